package dev.leasehold.support;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.PolicyRenderer;
import dev.leasehold.testing.AwsWire;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WireMock stand-in for an IAM account speaking the real Query API: form-encoded requests
 * ({@code Action=GetRole&RoleName=...&Version=2010-05-08}), XML responses shaped
 * {@code <XxxResponse><XxxResult>...</XxxResult><ResponseMetadata/></XxxResponse>} in the
 * {@code https://iam.amazonaws.com/doc/2010-05-08/} namespace, list members as {@code <member>}, policy
 * documents URL-encoded, list calls paged with {@code Marker}/{@code IsTruncated}, and the real error shape
 * ({@code NoSuchEntity} 404).
 *
 * <p>{@link #wellConfigured} sets up the account exactly as the catalog's rendered policies say; tests then
 * break one thing and call {@link #install()}.
 */
public final class IamAccount {
  public static final String NS = "https://iam.amazonaws.com/doc/2010-05-08/";

  private final WireMockExtension server;
  private final String userName;
  private final String userArn;
  public final Map<String, String> userInline = new LinkedHashMap<>();
  public final Map<String, String> userAttached = new LinkedHashMap<>();
  public final Map<String, String> managedDocuments = new LinkedHashMap<>();
  public final List<String> groups = new ArrayList<>();
  public final Map<String, RoleState> roles = new LinkedHashMap<>();
  /** Members per page of every list call; small values exercise paging. */
  public int pageSize = 100;

  /** One role as IAM holds it. */
  public static final class RoleState {
    public final String name;
    public String arn;
    public String trust;
    public int maxSessionDuration = 3600;
    public final Map<String, String> inline = new LinkedHashMap<>();
    public final Map<String, String> attached = new LinkedHashMap<>();
    public boolean missing;

    RoleState(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }
  }

  private IamAccount(WireMockExtension server, String userArn) {
    this.server = server;
    this.userArn = userArn;
    this.userName = userArn.substring(userArn.lastIndexOf('/') + 1);
  }

  /** The account as `leasehold policy render --kind terraform` would create it for {@code catalog}. */
  public static IamAccount wellConfigured(WireMockExtension server, RoleCatalog catalog) {
    IamAccount account = new IamAccount(server, catalog.agent().userArn());
    account.userInline.put("leasehold-assume-only", PolicyRenderer.agentUserPolicy(catalog).toJson());
    for (RoleSpec role : catalog.roles().values()) {
      RoleState state = new RoleState(role.arn().substring(role.arn().lastIndexOf('/') + 1), role.arn());
      state.trust = PolicyRenderer.trustPolicy(catalog, role).toJson();
      state.inline.put("leasehold-permissions", PolicyRenderer.permissionPolicy(role).toJson());
      account.roles.put(role.key(), state);
    }
    return account;
  }

  public URI endpoint() {
    return URI.create("http://localhost:" + server.getPort());
  }

  public RoleState role(String key) {
    return roles.get(key);
  }

  /** Registers every stub for the account's current state. */
  public IamAccount install() {
    server.resetAll();
    stub(call("GetUser").withFormParam("UserName", equalTo(userName)), ok("GetUser", "<User><Path>/agents/</Path>"
        + "<UserName>" + userName + "</UserName><UserId>AIDA3XFRBF535EXAMPLE1</UserId><Arn>" + userArn + "</Arn>"
        + "<CreateDate>2026-01-05T09:00:00Z</CreateDate></User>"));
    list("ListGroupsForUser", "UserName", userName, "Groups", groups.stream().map(g -> "<member><Path>/</Path>"
        + "<GroupName>" + g + "</GroupName><GroupId>AGPA3XFRBF535EXAMPLE1</GroupId><Arn>arn:aws:iam::123456789012:group/"
        + g + "</Arn><CreateDate>2026-01-05T09:00:00Z</CreateDate></member>").toList());
    list("ListUserPolicies", "UserName", userName, "PolicyNames",
        userInline.keySet().stream().map(n -> "<member>" + n + "</member>").toList());
    userInline.forEach((name, json) -> stub(call("GetUserPolicy").withFormParam("UserName", equalTo(userName))
        .withFormParam("PolicyName", equalTo(name)), ok("GetUserPolicy", "<UserName>" + userName + "</UserName>"
        + "<PolicyName>" + name + "</PolicyName><PolicyDocument>" + encode(json) + "</PolicyDocument>")));
    list("ListAttachedUserPolicies", "UserName", userName, "AttachedPolicies", attachedMembers(userAttached));
    managedDocuments.forEach((arn, json) -> {
      stub(call("GetPolicy").withFormParam("PolicyArn", equalTo(arn)), ok("GetPolicy", "<Policy><PolicyName>"
          + arn.substring(arn.lastIndexOf('/') + 1) + "</PolicyName><DefaultVersionId>v3</DefaultVersionId>"
          + "<PolicyId>ANPA3XFRBF535EXAMPLE1</PolicyId><Path>/</Path><Arn>" + arn + "</Arn>"
          + "<AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable></Policy>"));
      stub(call("GetPolicyVersion").withFormParam("PolicyArn", equalTo(arn)).withFormParam("VersionId", equalTo("v3")),
          ok("GetPolicyVersion", "<PolicyVersion><Document>" + encode(json) + "</Document><IsDefaultVersion>true"
              + "</IsDefaultVersion><VersionId>v3</VersionId><CreateDate>2026-01-05T09:00:00Z</CreateDate></PolicyVersion>"));
    });
    for (RoleState role : roles.values()) {
      if (role.missing) {
        stub(call("GetRole").withFormParam("RoleName", equalTo(role.name)),
            error(404, "NoSuchEntity", "The role with name " + role.name + " cannot be found."));
        continue;
      }
      String path = role.arn.substring(role.arn.indexOf(":role") + 5, role.arn.lastIndexOf('/') + 1);
      stub(call("GetRole").withFormParam("RoleName", equalTo(role.name)), ok("GetRole", "<Role><Path>" + path
          + "</Path><RoleName>" + role.name + "</RoleName><RoleId>AROA3XFRBF535EXAMPLE1</RoleId><Arn>" + role.arn
          + "</Arn><CreateDate>2026-01-05T09:00:00Z</CreateDate><AssumeRolePolicyDocument>" + encode(role.trust)
          + "</AssumeRolePolicyDocument><Description>leasehold role</Description><MaxSessionDuration>"
          + role.maxSessionDuration + "</MaxSessionDuration><RoleLastUsed/></Role>"));
      list("ListRolePolicies", "RoleName", role.name, "PolicyNames",
          role.inline.keySet().stream().map(n -> "<member>" + n + "</member>").toList());
      role.inline.forEach((name, json) -> stub(call("GetRolePolicy").withFormParam("RoleName", equalTo(role.name))
          .withFormParam("PolicyName", equalTo(name)), ok("GetRolePolicy", "<RoleName>" + role.name + "</RoleName>"
          + "<PolicyName>" + name + "</PolicyName><PolicyDocument>" + encode(json) + "</PolicyDocument>")));
      list("ListAttachedRolePolicies", "RoleName", role.name, "AttachedPolicies", attachedMembers(role.attached));
    }
    stub(call("PutRolePolicy"), aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
        "<PutRolePolicyResponse xmlns=\"" + NS + "\"><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-"
            + "6e8eEXAMPLE</RequestId></ResponseMetadata></PutRolePolicyResponse>"));
    return this;
  }

  /** The form parameters of every request that reached the stand-in with this {@code Action}, in order. */
  public List<Map<String, String>> requests(String action) {
    return server.findAll(postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo(action))).stream()
        .map(r -> parseForm(r.getBodyAsString())).toList();
  }

  public static Map<String, String> parseForm(String body) {
    return AwsWire.parseForm(body);
  }

  /** URL-encodes a policy document as IAM does on the wire (RFC 3986: spaces as %20). */
  public static String encode(String json) {
    return URLEncoder.encode(json, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An IAM error in the Query API's error shape ({@code Type} Sender). */
  public static ResponseDefinitionBuilder error(int status, String code, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
        .withBody(AwsWire.queryError(NS, "Sender", code, message));
  }

  private void list(String action, String idParam, String id, String element, List<String> members) {
    int pages = Math.max(1, (members.size() + pageSize - 1) / pageSize);
    for (int p = 0; p < pages; p++) {
      List<String> page = members.subList(Math.min(members.size(), p * pageSize),
          Math.min(members.size(), (p + 1) * pageSize));
      boolean more = p < pages - 1;
      MappingBuilder mapping = call(action).withFormParam(idParam, equalTo(id))
          .withFormParam("Marker", p == 0 ? absent() : equalTo("marker-" + p));
      stub(mapping, ok(action, "<" + element + ">" + String.join("", page) + "</" + element + ">"
          + "<IsTruncated>" + more + "</IsTruncated>" + (more ? "<Marker>marker-" + (p + 1) + "</Marker>" : "")));
    }
  }

  private static List<String> attachedMembers(Map<String, String> attached) {
    return attached.entrySet().stream().map(e -> "<member><PolicyName>" + e.getKey() + "</PolicyName><PolicyArn>"
        + e.getValue() + "</PolicyArn></member>").toList();
  }

  private static MappingBuilder call(String action) {
    return post(urlEqualTo("/")).withFormParam("Action", equalTo(action));
  }

  private void stub(MappingBuilder mapping, ResponseDefinitionBuilder response) {
    server.stubFor(mapping.willReturn(response));
  }

  private static ResponseDefinitionBuilder ok(String action, String result) {
    return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(
        "<" + action + "Response xmlns=\"" + NS + "\">\n  <" + action + "Result>\n    " + result + "\n  </" + action
            + "Result>\n  <ResponseMetadata>\n    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
            + "  </ResponseMetadata>\n</" + action + "Response>\n");
  }
}
