package dev.leasehold.catalog.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.leasehold.approval.Durations;
import dev.leasehold.catalog.AgentIdentity;
import dev.leasehold.catalog.BrokerIdentity;
import dev.leasehold.catalog.CatalogInvalidException;
import dev.leasehold.catalog.CatalogProblem;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.catalog.TrustPrincipal;
import dev.leasehold.policy.Condition;
import dev.leasehold.policy.Effect;
import dev.leasehold.policy.Statement;
import dev.leasehold.policy.internal.JsonTree;
import dev.leasehold.policy.internal.JsonTree.Arr;
import dev.leasehold.policy.internal.JsonTree.Member;
import dev.leasehold.policy.internal.JsonTree.Node;
import dev.leasehold.policy.internal.JsonTree.Obj;
import dev.leasehold.policy.internal.JsonTree.Problems;
import dev.leasehold.policy.internal.JsonTree.Scalar;
import dev.leasehold.policy.internal.JsonTree.Type;
import dev.leasehold.policy.internal.PolicyJson;
import dev.leasehold.policy.internal.ServiceAuthorization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a catalog (YAML or JSON, the same shape) and, optionally, a {@code terraform output -json} file,
 * into a {@link RoleCatalog}. The file is read into a located tree first and then validated as a whole,
 * so every problem is reported at once with its file, line and column. Not part of Leasehold's API.
 */
public final class CatalogReader {
  private static final JsonFactory YAML = YAMLFactory.builder()
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .build();

  private static final Set<String> ROOT_KEYS = Set.of("version", "agent", "broker", "defaults", "roles");
  private static final Set<String> BROKER_KEYS = Set.of("arn");
  private static final Set<String> AGENT_KEYS = Set.of("name", "mfaSerial", "userArn");
  private static final Set<String> DEFAULTS_KEYS = Set.of("duration", "region");
  private static final Set<String> ROLE_KEYS = Set.of("arn", "description", "environment", "mfa", "externalId",
      "notAfter", "duration", "permissions", "managedPolicies", "trustPrincipal", "requireIntent");
  private static final Set<String> STATEMENT_KEYS =
      Set.of("sid", "effect", "actions", "notActions", "resources", "notResources", "conditions");

  private static final Pattern AGENT_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern ROLE_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern ACTION = Pattern.compile("\\*|[a-z0-9*?-]+:[A-Za-z0-9*?]+");

  private final List<CatalogProblem> problems = new ArrayList<>();

  private CatalogReader() {}

  /** The problems in file order: grouped by file (in the order files were read), then by line and column. */
  private CatalogInvalidException invalid() {
    List<String> files = problems.stream().map(CatalogProblem::file).distinct().toList();
    List<CatalogProblem> sorted = new ArrayList<>(problems);
    sorted.sort(java.util.Comparator.comparingInt((CatalogProblem p) -> files.indexOf(p.file()))
        .thenComparingInt(CatalogProblem::line).thenComparingInt(CatalogProblem::column));
    return new CatalogInvalidException(sorted);
  }

  /** Loads a catalog file, merging ARNs from a terraform output file when {@code terraformOutput} is not null. */
  public static RoleCatalog load(Path catalog, Path terraformOutput) {
    CatalogReader reader = new CatalogReader();
    String file = catalog.toString();
    RoleCatalog.Format format = formatOf(catalog);
    if (format == null) {
      reader.problems.add(new CatalogProblem(file, 1, 1,
          "unknown catalog file type; name it .yaml, .yml or .json"));
      throw reader.invalid();
    }
    Terraform terraform = terraformOutput == null ? null : reader.terraform(terraformOutput);
    String text = reader.read(catalog);
    return reader.catalog(text, format, file, terraform);
  }

  /** Parses catalog text; {@code source} names it in problems. */
  public static RoleCatalog parse(String text, RoleCatalog.Format format, String source) {
    return new CatalogReader().catalog(text, format, source, null);
  }

  /** The format a file name implies, or null. */
  public static RoleCatalog.Format formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return RoleCatalog.Format.YAML;
    }
    return name.endsWith(".json") ? RoleCatalog.Format.JSON : null;
  }

  private String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(new CatalogProblem(file.toString(), 1, 1, "cannot read the file (" + e.getClass().getSimpleName()
          + "); check the path and permissions"));
      throw invalid();
    }
  }

  private Problems sink(String file) {
    return (line, column, message) -> problems.add(new CatalogProblem(file, line, column, message));
  }

  private Node tree(String text, JsonFactory factory, String file) {
    Problems sink = sink(file);
    try (JsonParser parser = factory.createParser(text)) {
      Node root = JsonTree.read(parser, sink);
      if (root == null) {
        sink.add(1, 1, "the file is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      sink.add(e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
          e.getLocation() == null ? 1 : e.getLocation().getColumnNr(), "not valid "
              + (factory == YAML ? "YAML" : "JSON") + ": " + message);
      return null;
    } catch (IOException e) {
      sink.add(1, 1, "cannot read: " + e.getClass().getSimpleName());
      return null;
    }
  }

  // ---------------------------------------------------------------- terraform output

  /** ARNs from {@code terraform output -json}, with where each was written. */
  private record Terraform(String file, Map<String, Scalar> roleArns, Scalar userArn) {}

  private Terraform terraform(Path path) {
    String file = path.toString();
    Problems sink = sink(file);
    Node root = tree(read(path), PolicyJson.JSON, file);
    Map<String, Scalar> roles = new LinkedHashMap<>();
    Scalar user = null;
    if (root instanceof Obj outputs) {
      Node roleArns = outputValue(outputs, "role_arns", sink);
      if (roleArns instanceof Obj map) {
        for (Member m : map.members().values()) {
          Scalar arn = arn(m.value(), Arns.Kind.ROLE, "role_arns." + m.name(), sink);
          if (arn != null) {
            roles.put(m.name(), arn);
          }
        }
      } else if (roleArns != null) {
        sink.at(roleArns, "role_arns value must map role keys to role ARNs, was " + roleArns.kind());
      }
      Node userArn = outputValue(outputs, "agent_user_arn", sink);
      if (userArn != null) {
        user = arn(userArn, Arns.Kind.USER, "agent_user_arn", sink);
      }
    } else if (root != null) {
      sink.at(root, "a terraform output must be an object of outputs (from 'terraform output -json')");
    }
    return new Terraform(file, roles, user);
  }

  private static Node outputValue(Obj outputs, String name, Problems sink) {
    Member output = outputs.members().get(name);
    if (output == null) {
      return null;
    }
    if (output.value() instanceof Obj o && o.members().containsKey("value")) {
      return o.members().get("value").value();
    }
    sink.at(output.value(), "output '" + name + "' must be an object with a \"value\" (from 'terraform output -json')");
    return null;
  }

  // ---------------------------------------------------------------- catalog

  private RoleCatalog catalog(String text, RoleCatalog.Format format, String file, Terraform terraform) {
    Problems sink = sink(file);
    Node root = tree(text, format == RoleCatalog.Format.YAML ? YAML : PolicyJson.JSON, file);
    RoleCatalog catalog = null;
    if (root instanceof Obj obj) {
      catalog = catalog(obj, sink, terraform);
    } else if (root != null) {
      sink.at(root, "a catalog must be an object with version, agent, defaults and roles, was " + root.kind());
    }
    if (!problems.isEmpty()) {
      throw invalid();
    }
    return catalog;
  }

  private RoleCatalog catalog(Obj root, Problems sink, Terraform terraform) {
    PolicyJson.unknownMembers(root, ROOT_KEYS, sink);
    Member version = required(root, "version", sink);
    if (version != null && !(version.value() instanceof Scalar v && v.type() == Type.NUMBER && v.text().equals("1"))) {
      sink.at(version.value(), "version must be 1");
    }
    AgentIdentity agent = agent(root, sink, terraform);
    BrokerIdentity broker = broker(root, sink);
    boolean brokerDeclared = root.members().containsKey("broker");
    Duration defaultDuration = RoleCatalog.DEFAULT_DURATION;
    String region = null;
    Member defaults = root.members().get("defaults");
    if (defaults != null && object(defaults, sink) instanceof Obj d) {
      PolicyJson.unknownMembers(d, DEFAULTS_KEYS, sink);
      Member duration = d.members().get("duration");
      if (duration != null) {
        Duration parsed = duration(duration, sink);
        defaultDuration = parsed == null ? defaultDuration : parsed;
      }
      Member r = d.members().get("region");
      region = r == null ? null : text(r, sink);
      if (region != null && !REGION.matcher(region).matches()) {
        sink.at(r.value(), "region '" + region + "' is not an AWS region name such as us-east-1");
      }
    }
    Map<String, RoleSpec> roles = new LinkedHashMap<>();
    Member rolesMember = required(root, "roles", sink);
    if (rolesMember != null && object(rolesMember, sink) instanceof Obj r) {
      if (r.members().isEmpty()) {
        sink.at(r, "roles must define at least one role");
      }
      for (Member role : r.members().values()) {
        RoleSpec spec = role(role, defaultDuration, sink, terraform, brokerDeclared);
        if (spec != null) {
          roles.put(spec.key(), spec);
        }
      }
    }
    if (!problems.isEmpty() || agent == null) {
      return null;
    }
    RoleCatalog.Builder builder = RoleCatalog.builder(agent).defaultDuration(defaultDuration).defaultRegion(region)
        .broker(broker);
    roles.values().forEach(builder::role);
    return builder.build();
  }

  private AgentIdentity agent(Obj root, Problems sink, Terraform terraform) {
    Member agentMember = required(root, "agent", sink);
    if (agentMember == null || !(object(agentMember, sink) instanceof Obj a)) {
      return null;
    }
    PolicyJson.unknownMembers(a, AGENT_KEYS, sink);
    Member nameMember = required(a, "name", sink);
    String name = nameMember == null ? null : text(nameMember, sink);
    if (name != null && !AGENT_NAME.matcher(name).matches()) {
      sink.at(nameMember.value(), "agent name '" + name
          + "' must be 2-64 letters, digits or _+=,.@- (it is sent as the STS SourceIdentity)");
      name = null; // reported; building the identity from it would throw instead
    }
    String mfaSerial = arnMember(a, "mfaSerial", Arns.Kind.MFA, sink);
    String userArn = merged(a.members().get("userArn"), "agent.userArn", Arns.Kind.USER,
        terraform == null ? null : terraform.userArn(), "agent_user_arn", sink, terraform);
    return name == null ? null : new AgentIdentity(name, mfaSerial, userArn);
  }

  /** The optional {@code broker: {arn: ...}}: the identity that roles with {@code trustPrincipal: broker} trust. */
  private static BrokerIdentity broker(Obj root, Problems sink) {
    Member member = root.members().get("broker");
    if (member == null || !(object(member, sink) instanceof Obj b)) {
      return null;
    }
    PolicyJson.unknownMembers(b, BROKER_KEYS, sink);
    Member arn = required(b, "arn", sink);
    String text = arn == null ? null : text(arn, sink);
    if (text == null) {
      return null;
    }
    if (Arns.problem(text, Arns.Kind.ROLE) != null && Arns.problem(text, Arns.Kind.USER) != null) {
      sink.at(arn.value(), "broker arn '" + text + "' must be the broker's IAM role or user ARN, such as "
          + "arn:aws:iam::123456789012:role/leasehold-broker");
      return null;
    }
    return new BrokerIdentity(text);
  }

  private RoleSpec role(Member role, Duration defaultDuration, Problems sink, Terraform terraform,
      boolean brokerDeclared) {
    String key = role.name();
    if (!ROLE_KEY.matcher(key).matches()) {
      sink.add(role.line(), role.column(), "role key '" + key
          + "' must be 1-64 lower-case letters, digits and dashes, starting with a letter or digit");
    }
    if (!(object(role, sink) instanceof Obj r)) {
      return null;
    }
    PolicyJson.unknownMembers(r, ROLE_KEYS, sink);
    Scalar fromTerraform = terraform == null ? null : terraform.roleArns().get(key);
    String arn = merged(r.members().get("arn"), "roles." + key + ".arn", Arns.Kind.ROLE, fromTerraform,
        "role_arns." + key, sink, terraform);
    if (arn == null && r.members().get("arn") == null && fromTerraform == null) {
      sink.add(role.line(), role.column(), "role '" + key + "' has no arn; add 'arn: arn:aws:iam::ACCOUNT:role/NAME'"
          + (terraform == null ? " or load it with the terraform output that has role_arns" : " or add '" + key
              + "' to the terraform output's role_arns"));
    }
    String description = optionalText(r, "description", sink);
    String environment = optionalText(r, "environment", sink);
    if (environment != null && environment.isBlank()) {
      sink.at(r.members().get("environment").value(), "environment must not be blank (dev, staging, prod, ...)");
    }
    MfaRequirement mfa = null;
    Member mfaMember = r.members().get("mfa");
    String mfaText = mfaMember == null ? null : text(mfaMember, sink);
    if (mfaText != null) {
      switch (mfaText) {
        case "required" -> mfa = MfaRequirement.REQUIRED;
        case "none" -> mfa = MfaRequirement.NONE;
        default -> sink.at(mfaMember.value(), "mfa must be 'required' or 'none', was '" + mfaText + "'");
      }
    }
    TrustPrincipal trustPrincipal = TrustPrincipal.AGENT;
    Member trustMember = r.members().get("trustPrincipal");
    String trustText = trustMember == null ? null : text(trustMember, sink);
    if (trustText != null) {
      switch (trustText) {
        case "agent" -> trustPrincipal = TrustPrincipal.AGENT;
        case "broker" -> trustPrincipal = TrustPrincipal.BROKER;
        default -> {
          trustPrincipal = null;
          sink.at(trustMember.value(), "trustPrincipal must be 'agent' or 'broker', was '" + trustText + "'");
        }
      }
    }
    if (trustPrincipal != null) {
      String mfaProblem = TrustRule.mfaProblem(key, mfa, trustPrincipal);
      if (mfaProblem != null) {
        sink.at(mfaMember.value(), mfaProblem);
      }
      // a broker declared but invalid is reported at the broker; only a missing one is reported here
      String brokerProblem = brokerDeclared ? null : TrustRule.brokerProblem(key, trustPrincipal, null);
      if (brokerProblem != null) {
        sink.at(trustMember.value(), brokerProblem);
      }
    }
    String externalId = optionalText(r, "externalId", sink);
    if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
      sink.at(r.members().get("externalId").value(),
          "externalId must be 2-1224 characters of letters, digits and _+=,.@:/-");
    }
    Instant notAfter = null;
    String notAfterText = optionalText(r, "notAfter", sink);
    if (notAfterText != null) {
      try {
        notAfter = OffsetDateTime.parse(notAfterText).toInstant();
      } catch (DateTimeParseException e) {
        sink.at(r.members().get("notAfter").value(), "notAfter must be an ISO-8601 instant such as "
            + "2026-12-31T23:59:59Z, was '" + notAfterText + "'");
      }
    }
    boolean requireIntent = false;
    Member requireIntentMember = r.members().get("requireIntent");
    if (requireIntentMember != null) {
      if (requireIntentMember.value() instanceof Scalar flag && flag.type() == JsonTree.Type.BOOLEAN) {
        requireIntent = Boolean.parseBoolean(flag.text());
      } else {
        sink.at(requireIntentMember.value(), "requireIntent must be true or false (true: every request for this role "
            + "must declare an intent)");
      }
    }
    Duration duration = null;
    Member durationMember = r.members().get("duration");
    if (durationMember != null) {
      duration = duration(durationMember, sink);
    }
    List<Statement> permissions = new ArrayList<>();
    Member permissionsMember = required(r, "permissions", sink);
    if (permissionsMember != null) {
      if (permissionsMember.value() instanceof Arr list && !list.items().isEmpty()) {
        for (Node item : list.items()) {
          Statement s = statement(item, sink);
          if (s != null) {
            permissions.add(s);
          }
        }
      } else {
        sink.at(permissionsMember.value(), "permissions must be a non-empty list of statements "
            + "(effect, actions, resources) mirroring the role's IAM permission policy");
      }
    }
    List<String> managed = new ArrayList<>();
    Member managedMember = r.members().get("managedPolicies");
    if (managedMember != null) {
      for (Scalar s : scalars(managedMember.value(), "managedPolicies", sink)) {
        String problem = Arns.problem(s.text(), Arns.Kind.POLICY);
        if (problem != null) {
          sink.at(s, problem);
        } else {
          managed.add(s.text());
        }
      }
    }
    if (arn == null || !problems.isEmpty()) {
      return null;
    }
    return RoleSpec.builder(key, arn).description(description).environment(environment).mfa(mfa)
        .externalId(externalId).notAfter(notAfter).duration(duration).permissions(permissions)
        .managedPolicies(managed).trustPrincipal(trustPrincipal).requireIntent(requireIntent).build();
  }

  private Statement statement(Node node, Problems sink) {
    if (!(node instanceof Obj s)) {
      sink.at(node, "a statement must be an object with effect, actions and resources, was " + node.kind());
      return null;
    }
    int before = problems.size();
    PolicyJson.unknownMembers(s, STATEMENT_KEYS, sink);
    Statement.Builder b = Statement.builder();
    String sid = optionalText(s, "sid", sink);
    b.sid(sid);
    Member effect = required(s, "effect", sink);
    String effectText = effect == null ? null : text(effect, sink);
    if (effectText != null) {
      try {
        b.effect(Effect.fromJson(effectText));
      } catch (IllegalArgumentException e) {
        sink.at(effect.value(), "effect must be \"Allow\" or \"Deny\", was \"" + effectText + "\"");
      }
    }
    List<Scalar> actions = oneOf(s, "actions", "notActions", sink);
    for (Scalar a : actions) {
      if (!ACTION.matcher(a.text()).matches()) {
        sink.at(a, "action '" + a.text() + "' must look like service:Action (such as s3:GetObject or ec2:Describe*)");
      } else {
        String unknown = ServiceAuthorization.unknownActionProblem(a.text());
        if (unknown != null) {
          sink.at(a, unknown);
        }
      }
    }
    List<Scalar> resources = oneOf(s, "resources", "notResources", sink);
    for (Scalar r : resources) {
      if (!r.text().equals("*") && !(r.text().startsWith("arn:") && r.text().split(":", -1).length >= 6)) {
        sink.at(r, "resource '" + r.text() + "' must be \"*\" or an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)");
      }
    }
    Member conditions = s.members().get("conditions");
    List<Condition> parsed = conditions == null ? List.of() : PolicyJson.conditions(conditions.value(), sink);
    if (problems.size() > before) {
      return null;
    }
    List<String> actionTexts = actions.stream().map(Scalar::text).toList();
    List<String> resourceTexts = resources.stream().map(Scalar::text).toList();
    (s.members().containsKey("actions") ? b.actions(actionTexts) : b.notActions(actionTexts)).conditions(parsed);
    return (s.members().containsKey("resources") ? b.resources(resourceTexts) : b.notResources(resourceTexts)).build();
  }

  /** The strings of exactly one of two members (such as actions / notActions). */
  private List<Scalar> oneOf(Obj s, String name, String negated, Problems sink) {
    Member positive = s.members().get(name);
    Member negative = s.members().get(negated);
    if (positive != null && negative != null) {
      sink.add(negative.line(), negative.column(), "a statement has either " + name + " or " + negated + ", not both");
      return List.of();
    }
    if (positive == null && negative == null) {
      sink.at(s, "a statement needs " + name + " (or " + negated + ")");
      return List.of();
    }
    return scalars((positive != null ? positive : negative).value(), positive != null ? name : negated, sink);
  }

  // ---------------------------------------------------------------- small readers

  private static Member required(Obj obj, String name, Problems sink) {
    Member m = obj.members().get(name);
    if (m == null) {
      sink.at(obj, "missing required key '" + name + "'");
    }
    return m;
  }

  private static Node object(Member m, Problems sink) {
    if (m.value() instanceof Obj) {
      return m.value();
    }
    sink.at(m.value(), "'" + m.name() + "' must be a mapping of keys, was " + m.value().kind());
    return null;
  }

  private static String text(Member m, Problems sink) {
    return PolicyJson.string(m.value(), "'" + m.name() + "'", sink);
  }

  private static String optionalText(Obj obj, String name, Problems sink) {
    Member m = obj.members().get(name);
    return m == null ? null : text(m, sink);
  }

  /** The string items of a non-empty list; problems for anything else. */
  private static List<Scalar> scalars(Node node, String name, Problems sink) {
    List<Scalar> out = new ArrayList<>();
    if (!(node instanceof Arr list) || list.items().isEmpty()) {
      sink.at(node, "'" + name + "' must be a non-empty list of strings, such as [\"s3:GetObject\"]");
      return out;
    }
    for (Node item : list.items()) {
      if (item instanceof Scalar s && s.type() == Type.STRING) {
        out.add(s);
      } else {
        sink.at(item, "'" + name + "' entries must be strings, was " + item.kind());
      }
    }
    return out;
  }

  private static Duration duration(Member m, Problems sink) {
    String text = text(m, sink);
    if (text == null) {
      return null;
    }
    Duration d = Durations.parse(text).orElse(null);
    if (d == null) {
      sink.at(m.value(), "duration '" + text + "' must be written like 15m, 900s or PT15M");
      return null;
    }
    if (d.compareTo(RoleCatalog.MIN_DURATION) < 0 || d.compareTo(RoleCatalog.MAX_DURATION) > 0) {
      sink.at(m.value(), "duration " + text + " is outside 15m to 1h (STS grants at least 15 minutes; Leasehold "
          + "leases at most one hour)");
      return null;
    }
    return d;
  }

  private static Scalar arn(Node node, Arns.Kind kind, String what, Problems sink) {
    if (!(node instanceof Scalar s && s.type() == Type.STRING)) {
      sink.at(node, what + " must be an ARN string, was " + node.kind());
      return null;
    }
    String problem = Arns.problem(s.text(), kind);
    if (problem != null) {
      sink.at(s, what + ": " + problem);
      return null;
    }
    return s;
  }

  private static String arnMember(Obj obj, String name, Arns.Kind kind, Problems sink) {
    Member m = obj.members().get(name);
    Scalar s = m == null ? null : arn(m.value(), kind, name, sink);
    return s == null ? null : s.text();
  }

  /**
   * An ARN that the catalog and the terraform output may both give: either is enough; when both give one
   * they must agree.
   */
  private String merged(Member inCatalog, String what, Arns.Kind kind, Scalar fromTerraform, String terraformName,
      Problems sink, Terraform terraform) {
    Scalar own = inCatalog == null ? null : arn(inCatalog.value(), kind, what, sink);
    if (own != null && fromTerraform != null && !own.text().equals(fromTerraform.text())) {
      sink.at(own, what + " '" + own.text() + "' differs from " + terraformName + " '" + fromTerraform.text()
          + "' in " + terraform.file() + " (line " + fromTerraform.line() + "); remove one or make them equal");
      return null;
    }
    return own != null ? own.text() : fromTerraform == null ? null : fromTerraform.text();
  }
}
