package dev.leasehold.internal;

import dev.leasehold.CallBudget;
import dev.leasehold.CallBudgetExhaustedException;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.policy.IamActions;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.RequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The guard on every client a session builds. It decides on the request that is actually transmitted:
 *
 * <ol>
 *   <li>{@code beforeExecution}: refuses per-request overrides that would change who signs or what is sent
 *       (credentials, signer, plugins, raw query parameters, {@code x-amz-*} or {@code Host} headers), and
 *       refuses early a call whose first form is already outside the scope (nothing is marshalled).</li>
 *   <li>{@code afterMarshalling}: notes what the SDK's marshaller made of the final request (method, path,
 *       parameters, the {@code x-amz-*} headers that change what a call does). No interceptor can change
 *       anything at this hook. It also gives the call the lease as its identity: the client's own
 *       configuration holds only a stand-in, so that {@code serviceClientConfiguration()} never hands the lease
 *       out.</li>
 *   <li>{@code beforeTransmission} (after every {@code modifyHttpRequest} and after signing): refuses the
 *       call when it was signed with another identity than the lease, or when what is about to go on the wire no longer matches that marshalling, or (for S3) does not
 *       address the bucket and key of the request; then re-derives the action and every resource (both ends
 *       of a copy, every key of a {@code DeleteObjects}) from the final request and the wire, checks each
 *       against the scope, counts the call against the budget and audits each as allowed, naming what was
 *       sent.</li>
 * </ol>
 *
 * <p>One instance per session, shared by all of its clients, so the budget is the session's. Code running
 * in the same JVM can always defeat an in-process guard (reflection reaches the lease); the
 * guard's promise is that the SDK's own extension points (interceptors, per-request overrides) cannot make
 * a guarded client send a call other than the one checked and audited.
 */
public final class GuardInterceptor implements ExecutionInterceptor {
  /** {@code x-amz-*} headers the SDK itself sets after marshalling (signing, checksums, user agent). */
  private static final String[] SDK_MANAGED_HEADERS = {"x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
      "x-amz-checksum-", "x-amz-sdk-checksum-algorithm", "x-amz-decoded-content-length", "x-amz-trailer",
      "x-amz-user-agent", "x-amz-te"};
  private static final int MAX_BODY = 1 << 20;
  private static final Pattern XML_KEY = Pattern.compile("<Key>([^<]*)</Key>");

  private static final ExecutionAttribute<Marshalled> MARSHALLED = new ExecutionAttribute<>("leasehold.guard.marshalled");
  private static final ExecutionAttribute<Boolean> ADMITTED = new ExecutionAttribute<>("leasehold.guard.admitted");

  private final LeasedSession session;
  private final Scope scope;
  private final ActionMapper mapper;
  private final CallBudget budget;
  private final RateLimiter rate;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong mutating = new AtomicLong();

  /** One permission a call needs: an action, on a resource when Leasehold derives it (else null). */
  record Target(String action, String resource) {}

  /** What the SDK's marshaller made of the final request. */
  private record Marshalled(SdkHttpMethod method, String encodedPath, Map<String, List<String>> params,
      Map<String, List<String>> headers) {}

  public GuardInterceptor(LeasedSession session, Scope scope, ActionMapper mapper, CallBudget budget) {
    this.session = session;
    this.scope = scope;
    this.mapper = mapper;
    this.budget = budget;
    this.rate = RateLimiter.of("leasehold-session-" + session.id(), RateLimiterConfig.custom()
        .limitForPeriod(budget.callsPerSecond())
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    List<String> actions = mapper.actionsFor(request, attributes);
    String action = admissible(request, actions, attributes);
    // Early: the call as first asked (a DeleteObjects names its keys in the body, checked when it is sent).
    // The final decision is taken on what is transmitted.
    boolean keysInBody = ActionMapper.operationOf(request, attributes).equals("DeleteObjects");
    checkScope(new Target(action, keysInBody ? null : ResourceNames.of(action, request, session.partition())));
    if (!isS3(action)) { // S3's second action (the source of a copy) is derived from the wire when it is sent
      for (String other : actions.subList(1, actions.size())) {
        checkScope(new Target(other, null));
      }
    }
  }

  /**
   * The checks both stages make before looking at the call's scope: the session is open, the request
   * overrides nothing, and the call maps to an IAM action (never guessed: a call Leasehold cannot name cannot
   * be checked against the intent or the role).
   *
   * @return the call's first action
   */
  private String admissible(SdkRequest request, List<String> actions, ExecutionAttributes attributes) {
    session.checkOpen();
    String action = actions.isEmpty() ? null : actions.get(0);
    refuseOverrides(request, action);
    if (action == null) {
      refuse(ActionMapper.operationName(request, attributes), "unmapped",
          ActionMapper.unmappedMessage(request, attributes) + ".");
    }
    return action;
  }

  /**
   * Gives this call (and only this call) the lease as its AWS identity: the SDK resolves the identity in a
   * pipeline stage after the interceptors, from this attribute. The client itself holds only a stand-in
   * identity, so that its configuration never hands the lease out.
   */
  private void signWithLease(ExecutionAttributes attributes) {
    IdentityProviders providers = attributes.getAttribute(SdkInternalExecutionAttribute.IDENTITY_PROVIDERS);
    IdentityProviders.Builder withLease = providers == null ? IdentityProviders.builder() : providers.toBuilder();
    attributes.putAttribute(SdkInternalExecutionAttribute.IDENTITY_PROVIDERS,
        withLease.putIdentityProvider(session.leaseProvider()).build());
  }

  /** Whether the call will be signed with the lease (or needs no identity). */
  private boolean signedWithLease(ExecutionAttributes attributes) {
    SelectedAuthScheme<?> selected = attributes.getAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME);
    if (selected == null) {
      return true;
    }
    Object identity = selected.identity().getNow(null);
    return !(identity instanceof AwsCredentialsIdentity) || identity == session.leaseProvider().resolveCredentials();
  }

  @Override
  public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
    SdkHttpRequest http = context.httpRequest();
    boolean s3 = isS3(mapper.actionFor(context.request(), attributes));
    attributes.putAttribute(MARSHALLED, new Marshalled(http.method(), http.encodedPath(),
        params(http, s3 ? Optional.empty() : context.requestBody()), semanticHeaders(http)));
    signWithLease(attributes);
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    List<String> actions = mapper.actionsFor(request, attributes);
    String action = admissible(request, actions, attributes);
    if (!signedWithLease(attributes)) {
      refuse(action, "override", "the call would be signed with credentials other than the lease's (another "
          + "interceptor replaced them). Make the call without that change.");
    }
    SdkHttpRequest http = context.httpRequest();
    Marshalled marshalled = attributes.getAttribute(MARSHALLED);
    String operation = ActionMapper.operationOf(request, attributes);
    boolean s3 = isS3(action);
    String altered = alteration(marshalled, http, s3 ? Optional.empty() : context.requestBody(), operation);
    if (altered == null && s3) {
      altered = s3Misaddressed(request, http);
    }
    if (altered != null) {
      refuse(action, "altered", "the request about to be sent is not the " + operation + " call that was asked for ("
          + altered + "); another interceptor or a per-request setting changed it after the check. Remove that "
          + "change; a guarded client sends only what it checked.");
    }
    List<Target> targets = targets(actions, operation, request, http, context.requestBody());
    for (Target t : targets) {
      checkScope(t);
    }
    if (attributes.getAttribute(ADMITTED) != null) {
      return; // a retry of a call already counted and audited
    }
    attributes.putAttribute(ADMITTED, Boolean.TRUE);
    if (!rate.acquirePermission()) {
      exhausted(action, "rate", "the session's call rate of " + budget.callsPerSecond()
          + " calls per second was exceeded; slow down.");
    }
    if (calls.incrementAndGet() > budget.maxCalls()) {
      exhausted(action, "budget", "the session's budget of " + budget.maxCalls()
          + " calls is used up; open a new session (a human approves it) for more work.");
    }
    if (targets.stream().anyMatch(t -> isMutating(t.action())) && mutating.incrementAndGet() > budget.maxMutatingCalls()) {
      exhausted(action, "mutating-budget", "the session's budget of " + budget.maxMutatingCalls()
          + " mutating calls is used up; open a new session (a human approves it) for more work.");
    }
    for (Target t : targets) {
      session.audit(AuditEventType.CALL_ALLOWED, t.action(), "ok", t.resource() == null ? null : "resource " + t.resource());
    }
  }

  /** Every permission the call needs, derived from the final request and what is on the wire. */
  private List<Target> targets(List<String> actions, String operation, SdkRequest request, SdkHttpRequest http,
      Optional<RequestBody> body) {
    String partition = session.partition();
    String action = actions.get(0);
    if (!isS3(action)) {
      return actions.stream().map(a -> new Target(a, null)).toList();
    }
    List<Target> out = new ArrayList<>();
    Optional<String> copySource = http.firstMatchingHeader("x-amz-copy-source");
    if (copySource.isPresent()) { // CopyObject, UploadPartCopy: read the source, write the target
      out.add(new Target("s3:GetObject", copySourceArn(copySource.get(), partition)));
    }
    if (operation.equals("DeleteObjects")) {
      String bucket = request.getValueForField("Bucket", String.class).orElse("");
      for (String key : deletedKeys(http, body)) {
        out.add(new Target(action, "arn:" + partition + ":s3:::" + bucket + "/" + key));
      }
      if (out.isEmpty()) {
        out.add(new Target(action, ResourceNames.of(action, request, partition)));
      }
      return out;
    }
    out.add(new Target(action, ResourceNames.of(action, request, partition)));
    return out;
  }

  private static String copySourceArn(String header, String partition) {
    String source = percentDecode(header);
    int query = source.indexOf("?versionId=");
    if (query >= 0) {
      source = source.substring(0, query);
    }
    if (source.startsWith("/")) {
      source = source.substring(1);
    }
    return "arn:" + partition + ":s3:::" + source;
  }

  /** The keys in a DeleteObjects body as it will be sent. */
  private static List<String> deletedKeys(SdkHttpRequest http, Optional<RequestBody> body) {
    String xml = bodyText(http, body);
    if (xml == null) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    Matcher m = XML_KEY.matcher(xml);
    while (m.find()) {
      keys.add(xmlUnescape(m.group(1)));
    }
    return keys;
  }

  private void checkScope(Target t) {
    String refusal = scope.refusal(t.action(), t.resource());
    if (refusal != null) {
      refuse(t.action(), "out-of-scope", refusal + ". Open a new session whose intent covers this call; do not ask to "
          + "widen the role.");
    }
  }

  /**
   * Refuses per-request settings that would change who signs the call or what is sent after the guard's
   * check, so that nothing the audit attributes to the lease was signed by someone else or altered.
   */
  private void refuseOverrides(SdkRequest request, String action) {
    Optional<? extends RequestOverrideConfiguration> found = request.overrideConfiguration();
    if (found.isEmpty()) {
      return;
    }
    RequestOverrideConfiguration o = found.get();
    String what = null;
    if (o instanceof AwsRequestOverrideConfiguration aws && aws.credentialsIdentityProvider().isPresent()) {
      what = "per-request credentials (overrideConfiguration(o -> o.credentialsProvider(...))): a guarded client "
          + "signs only with its lease, so the audit never attributes another identity's call to it";
    } else if (o.signer().isPresent()) {
      what = "a per-request signer";
    } else if (!o.plugins().isEmpty()) {
      what = "per-request plugins, which can change the client's configuration for the call";
    } else if (!o.rawQueryParameters().isEmpty()) {
      what = "per-request raw query parameters, which can change what the call does";
    } else {
      for (String header : o.headers().keySet()) {
        String h = header.toLowerCase(Locale.ROOT);
        if (h.startsWith("x-amz-") || h.equals("host") || h.equals("authorization")) {
          what = "the per-request header " + header + ", which can change what the call does";
          break;
        }
      }
    }
    if (what != null) {
      String name = action != null ? action : request.getClass().getSimpleName();
      refuse(name, "override", "the call carries " + what + ". Make the call without it.");
    }
  }

  /** Why the wire request differs from the marshalled one in what it does, or null. */
  private static String alteration(Marshalled marshalled, SdkHttpRequest http, Optional<RequestBody> body,
      String operation) {
    if (marshalled == null) {
      return "the guard did not see it marshalled";
    }
    if (http.method() != marshalled.method()) {
      return "method " + http.method() + " instead of " + marshalled.method();
    }
    if (!http.encodedPath().endsWith(marshalled.encodedPath())) {
      return "path " + http.encodedPath() + " instead of " + marshalled.encodedPath();
    }
    Map<String, List<String>> params = params(http, body);
    if (!params.equals(marshalled.params())) {
      return "parameters " + changed(params, marshalled.params()) + " changed"; // names only: values may be secret
    }
    Map<String, List<String>> headers = semanticHeaders(http);
    if (!headers.equals(marshalled.headers())) {
      return "headers " + changed(headers, marshalled.headers()) + " changed";
    }
    List<String> target = headers.get("x-amz-target");
    if (target != null && target.stream().noneMatch(t -> t.endsWith("." + operation))) {
      return "X-Amz-Target " + target + " is not " + operation;
    }
    List<String> queryAction = params.get("Action");
    if (queryAction != null && !queryAction.equals(List.of(operation))) {
      return "Action " + queryAction + " is not " + operation;
    }
    return null;
  }

  /** The names whose values differ between two multimaps, sorted. */
  private static List<String> changed(Map<String, List<String>> now, Map<String, List<String>> before) {
    TreeMap<String, Boolean> names = new TreeMap<>();
    now.forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        names.put(k, true);
      }
    });
    before.keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> names.put(k, true));
    return List.copyOf(names.keySet());
  }

  /** Why an S3 request on the wire does not address the request's bucket and key, or null. */
  private static String s3Misaddressed(SdkRequest request, SdkHttpRequest http) {
    String bucket = request.getValueForField("Bucket", String.class).orElse(null);
    if (bucket == null) {
      return null;
    }
    String key = request.getValueForField("Key", String.class).orElse(null);
    String path = percentDecode(http.encodedPath());
    String keyPath = key == null ? "" : "/" + key;
    boolean pathStyle = key == null
        ? path.equals("/" + bucket) || path.equals("/" + bucket + "/")
        : path.equals("/" + bucket + keyPath);
    boolean virtualHost = http.host().startsWith(bucket + ".")
        && (key == null ? path.isEmpty() || path.equals("/") : path.equals(keyPath));
    if (pathStyle || virtualHost) {
      return null;
    }
    return http.method() + " " + http.host() + http.encodedPath() + " does not address bucket " + bucket
        + (key == null ? "" : " and key " + key);
  }

  private static Map<String, List<String>> params(SdkHttpRequest http, Optional<RequestBody> body) {
    Map<String, List<String>> params = new TreeMap<>(http.rawQueryParameters());
    boolean form = http.firstMatchingHeader("Content-Type")
        .map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")).orElse(false)
        && http.firstMatchingHeader("Content-Encoding").isEmpty();
    if (form) {
      String text = bodyText(http, body);
      if (text != null && !text.isEmpty()) {
        for (String pair : text.split("&")) {
          int eq = pair.indexOf('=');
          String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          params.merge(k, List.of(v), (a, b) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
          });
        }
      }
    }
    return params;
  }

  private static Map<String, List<String>> semanticHeaders(SdkHttpRequest http) {
    Map<String, List<String>> out = new TreeMap<>();
    http.forEachHeader((name, values) -> {
      String h = name.toLowerCase(Locale.ROOT);
      if (h.startsWith("x-amz-") && !sdkManaged(h)) {
        out.put(h, List.copyOf(values));
      }
    });
    return out;
  }

  private static boolean sdkManaged(String header) {
    for (String managed : SDK_MANAGED_HEADERS) {
      if (header.startsWith(managed)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The body as text when it is small and replayable; null otherwise. The body travelling with the HTTP
   * request wins: SDK stages after the interceptors (query parameters moved into a form body) put it there.
   */
  private static String bodyText(SdkHttpRequest http, Optional<RequestBody> body) {
    ContentStreamProvider provider = null;
    if (http instanceof SdkHttpFullRequest full && full.contentStreamProvider().isPresent()) {
      provider = full.contentStreamProvider().get();
    } else if (body.isPresent()) {
      Optional<Long> length = body.get().optionalContentLength();
      if (length.isPresent() && length.get() > MAX_BODY) {
        return null;
      }
      provider = body.get().contentStreamProvider();
    }
    if (provider == null) {
      return null;
    }
    try (InputStream in = provider.newStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      return bytes.length > MAX_BODY ? null : new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the guard could not read the request body", e);
    }
  }

  private static String percentDecode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String xmlUnescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int semi = c == '&' ? s.indexOf(';', i) : -1;
      if (semi < 0) {
        out.append(c);
        i++;
        continue;
      }
      String entity = s.substring(i + 1, semi);
      switch (entity) {
        case "amp" -> out.append('&');
        case "lt" -> out.append('<');
        case "gt" -> out.append('>');
        case "quot" -> out.append('"');
        case "apos" -> out.append('\'');
        default -> {
          if (entity.startsWith("#x")) {
            out.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
          } else if (entity.startsWith("#")) {
            out.appendCodePoint(Integer.parseInt(entity.substring(1)));
          } else {
            out.append('&').append(entity).append(';');
          }
        }
      }
      i = semi + 1;
    }
    return out.toString();
  }

  private static boolean isS3(String action) {
    return action != null && action.regionMatches(true, 0, "s3:", 0, 3);
  }

  private void refuse(String action, String outcome, String why) {
    session.audit(AuditEventType.CALL_REFUSED, action, outcome, why);
    throw new CallOutsideScopeException("Refused " + action + " in session " + session.id() + " (role '"
        + session.roleKey() + "'): " + why, action);
  }

  private void exhausted(String action, String outcome, String why) {
    session.audit(AuditEventType.CALL_REFUSED, action, outcome, why);
    throw new CallBudgetExhaustedException("Refused " + action + " in session " + session.id() + ": " + why);
  }

  /**
   * Whether an action may change something: AWS's access level is not Read or List (an action the data
   * does not know counts as mutating). Hash lookups only.
   */
  static boolean isMutating(String action) {
    return IamActions.isMutating(action);
  }
}
