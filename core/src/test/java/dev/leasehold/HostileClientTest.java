package dev.leasehold;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.InMemoryAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.Statement;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.support.TestCatalogs;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A caller who controls the client builder and the request tries to make a guarded client send something
 * other than what the guard checked and the audit records. Real S3 clients, over HTTP, to a stand-in; the
 * assertions are on what reached the wire.
 */
class HostileClientTest {
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";
  static final String BUCKET = "hermes-dev-deploy";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final InMemoryAuditSink audit = new InMemoryAuditSink();

  @BeforeEach
  void setUp() {
    new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody(
        "<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>")));
  }

  private AwsSessionFactory leasehold() {
    RoleCatalog reference = TestCatalogs.reference();
    RoleCatalog catalog = RoleCatalog.builder(reference.agent()).defaultRegion("us-east-1")
        .role(reference.role("s3-deploy").orElseThrow())
        .role(RoleSpec.builder("s3-tidy", "arn:aws:iam::123456789012:role/hermes-dev-s3-tidy")
            .permission(Statement.allow("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
                .resources("arn:aws:s3:::" + BUCKET + "/*").build()).build())
        .role(RoleSpec.builder("whoami", "arn:aws:iam::123456789012:role/hermes-dev-whoami")
            .permission(Statement.allow("sts:GetCallerIdentity").resources("*").build()).build())
        .build();
    return Leasehold.factory(new StsStub(sts).endpoint(), FakeApprover.approving("111222"), audit).catalog(catalog).build();
  }

  private static AccessRequest put(String... resources) {
    return AccessRequest.builder().role("s3-deploy").reason(REASON).intent("s3:PutObject").resources(resources).build();
  }

  private S3Client s3(AgentSession session, ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor i : interceptors) {
      override.addExecutionInterceptor(i);
    }
    return session.client(S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort()))
        .forcePathStyle(true).overrideConfiguration(override.build()));
  }

  private static List<LoggedRequest> wire() {
    return s3.findAll(anyRequestedFor(anyUrl()));
  }

  private List<AuditEvent> events(AuditEventType type) {
    return audit.events().stream().filter(e -> e.type() == type).toList();
  }

  // ------------------------------------------------------------------------- the request actually sent

  @Test
  void aKeyChangedByAnotherInterceptorIsCheckedAsSent() {
    ExecutionInterceptor rekey = new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return context.request() instanceof PutObjectRequest p ? p.toBuilder().key("index.html").build() : context.request();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put("arn:aws:s3:::" + BUCKET + "/releases/*"))) {
      S3Client client = s3(session, rekey);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class)
          .hasMessageContaining("arn:aws:s3:::" + BUCKET + "/index.html is outside the session's declared resources");
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
    assertThat(events(AuditEventType.CALL_REFUSED)).singleElement()
        .satisfies(e -> assertThat(e.cause()).contains("/index.html"));
  }

  @Test
  void theAuditNamesTheKeyThatWasSent() {
    ExecutionInterceptor rekey = new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return context.request() instanceof PutObjectRequest p ? p.toBuilder().key("releases/other.zip").build() : context.request();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put("arn:aws:s3:::" + BUCKET + "/releases/*"))) {
      s3(session, rekey).putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z"));
    }
    assertThat(wire()).singleElement().satisfies(r -> assertThat(r.getUrl()).isEqualTo("/" + BUCKET + "/releases/other.zip"));
    assertThat(events(AuditEventType.CALL_ALLOWED)).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo("s3:PutObject");
      assertThat(e.cause()).contains("arn:aws:s3:::" + BUCKET + "/releases/other.zip");
    });
  }

  @Test
  void aBucketChangedByAnotherInterceptorIsRefused() {
    ExecutionInterceptor rebucket = new ExecutionInterceptor() {
      @Override
      public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return context.request() instanceof PutObjectRequest p ? p.toBuilder().bucket("someone-elses-bucket").build() : context.request();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session, rebucket);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
  }

  @Test
  void aPutTurnedIntoADeleteOnTheWireIsRefused() {
    ExecutionInterceptor toDelete = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().method(SdkHttpMethod.DELETE).build();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session, toDelete);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class)
          .hasMessageContaining("DELETE");
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
    assertThat(events(AuditEventType.CALL_REFUSED)).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("altered"));
  }

  @Test
  void aCopySourceAddedOnTheWireIsRefused() {
    ExecutionInterceptor copy = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().putHeader("x-amz-copy-source", "/" + BUCKET + "/secrets/prod.env").build();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session, copy);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("x-amz-copy-source");
    }
    assertThat(wire()).isEmpty();
  }

  @Test
  void aPathChangedOnTheWireIsRefused() {
    ExecutionInterceptor repath = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().encodedPath("/" + BUCKET + "/index.html").build();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put("arn:aws:s3:::" + BUCKET + "/releases/*"))) {
      S3Client client = s3(session, repath);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
  }

  @Test
  void aQueryActionChangedOnTheWireIsRefused() {
    ExecutionInterceptor reaction = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().putRawQueryParameter("Action", "GetSessionToken").build();
      }
    };
    try (AwsSessionFactory leasehold = leasehold();
         AgentSession session = leasehold.open(AccessRequest.of("whoami", "confirm which account the agent runs in", "sts:GetCallerIdentity"))) {
      StsClient client = session.client(StsClient.builder().endpointOverride(URI.create("http://localhost:" + s3.getPort()))
          .overrideConfiguration(o -> o.addExecutionInterceptor(reaction)));
      assertThatThrownBy(client::getCallerIdentity).isInstanceOf(CallOutsideScopeException.class)
          .hasMessageContaining("parameters [Action] changed").hasMessageNotContaining("GetSessionToken");
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
  }

  // ------------------------------------------------------------------------------ per-request overrides

  @Test
  void perRequestCredentialsAreRefusedAndNotAttributedToTheLease() {
    StaticCredentialsProvider other = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAOTHERIDENTITY0001", "otherSecret0123456789"));
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip")
          .overrideConfiguration(o -> o.credentialsProvider(other)), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("credentials");
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
    assertThat(events(AuditEventType.CALL_REFUSED)).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("override"));
  }

  @Test
  void anIdentityReplacedByAnotherInterceptorIsRefused() {
    StaticCredentialsProvider other = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAOTHERIDENTITY0001", "otherSecret0123456789"));
    ExecutionInterceptor swap = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        attributes.putAttribute(SdkInternalExecutionAttribute.IDENTITY_PROVIDERS,
            IdentityProviders.builder().putIdentityProvider(other).build());
        return context.httpRequest();
      }
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session, swap);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("other than the lease's");
    }
    assertThat(wire()).isEmpty();
    assertThat(events(AuditEventType.CALL_ALLOWED)).isEmpty();
    assertThat(events(AuditEventType.CALL_REFUSED)).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("override"));
  }

  @Test
  void perRequestPluginsAreRefused() {
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put())) {
      S3Client client = s3(session);
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip")
          .overrideConfiguration(o -> o.addPlugin(config -> config.overrideConfiguration(
              ClientOverrideConfiguration.builder().build()))), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(wire()).isEmpty();
  }

  // --------------------------------------------------------------------- calls with more than one target

  @Test
  void copyObjectNeedsGetObjectOnTheSourceAndPutObjectOnTheTarget() {
    try (AwsSessionFactory leasehold = leasehold();
         AgentSession putOnly = leasehold.open(put());
         AgentSession both = leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
             .intent("s3:GetObject", "s3:PutObject").resources("arn:aws:s3:::" + BUCKET + "/releases/*").build())) {
      assertThatThrownBy(() -> s3(putOnly).copyObject(copy("releases/1.4.1.zip", "releases/1.4.2.zip")))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("s3:GetObject is outside the session's declared intent");
      assertThatThrownBy(() -> s3(both).copyObject(copy("secrets/prod.env", "releases/leak.txt")))
          .isInstanceOf(CallOutsideScopeException.class)
          .hasMessageContaining("arn:aws:s3:::" + BUCKET + "/secrets/prod.env is outside the session's declared resources");
      assertThat(wire()).isEmpty();

      s3(both).copyObject(copy("releases/1.4.1.zip", "releases/1.4.2.zip"));
    }
    assertThat(wire()).singleElement().satisfies(r -> assertThat(r.getHeader("x-amz-copy-source")).contains("releases/1.4.1.zip"));
    assertThat(events(AuditEventType.CALL_ALLOWED)).extracting(AuditEvent::action, AuditEvent::cause).containsExactly(
        org.assertj.core.groups.Tuple.tuple("s3:GetObject", "resource arn:aws:s3:::" + BUCKET + "/releases/1.4.1.zip"),
        org.assertj.core.groups.Tuple.tuple("s3:PutObject", "resource arn:aws:s3:::" + BUCKET + "/releases/1.4.2.zip"));
  }

  @Test
  void uploadPartCopyChecksItsSource() {
    try (AwsSessionFactory leasehold = leasehold();
         AgentSession session = leasehold.open(AccessRequest.builder().role("s3-deploy").reason(REASON)
             .intent("s3:GetObject", "s3:PutObject").resources("arn:aws:s3:::" + BUCKET + "/releases/*").build())) {
      assertThatThrownBy(() -> s3(session).uploadPartCopy(b -> b.sourceBucket(BUCKET).sourceKey("secrets/prod.env")
          .destinationBucket(BUCKET).destinationKey("releases/leak.txt").uploadId("u1").partNumber(1)))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("/secrets/prod.env");
    }
    assertThat(wire()).isEmpty();
  }

  @Test
  void deleteObjectsChecksEveryKey() {
    try (AwsSessionFactory leasehold = leasehold();
         AgentSession session = leasehold.open(AccessRequest.builder().role("s3-tidy").reason("remove the temporary build outputs of run 4711")
             .intent("s3:DeleteObject").resources("arn:aws:s3:::" + BUCKET + "/tmp/*").build())) {
      S3Client client = s3(session);
      assertThatThrownBy(() -> client.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(
          ObjectIdentifier.builder().key("tmp/a").build(), ObjectIdentifier.builder().key("releases/1.4.2.zip").build()))))
          .isInstanceOf(CallOutsideScopeException.class).hasMessageContaining("/releases/1.4.2.zip");
      assertThat(wire()).isEmpty();

      client.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(
          ObjectIdentifier.builder().key("tmp/a").build(), ObjectIdentifier.builder().key("tmp/b").build())));
    }
    assertThat(wire()).hasSize(1);
    assertThat(events(AuditEventType.CALL_ALLOWED)).extracting(AuditEvent::cause)
        .containsExactly("resource arn:aws:s3:::" + BUCKET + "/tmp/a", "resource arn:aws:s3:::" + BUCKET + "/tmp/b");
  }

  // ------------------------------------------------------------------------- honest calls still pass

  @Test
  void keysThatNeedEncodingPassTheWireCheck() {
    String key = "releases/1.4.2 final+notes (draft)%.txt";
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put("arn:aws:s3:::" + BUCKET + "/releases/*"))) {
      s3(session).putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("z"));
    }
    assertThat(wire()).hasSize(1);
    assertThat(events(AuditEventType.CALL_ALLOWED)).singleElement()
        .satisfies(e -> assertThat(e.cause()).isEqualTo("resource arn:aws:s3:::" + BUCKET + "/" + key));
  }

  @Test
  void virtualHostedRequestsPassTheWireCheck() {
    List<SdkHttpRequest> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    SdkHttpClient capturing = new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        sent.add(request.httpRequest());
        return new ExecutableHttpRequest() {
          @Override
          public HttpExecuteResponse call() {
            return HttpExecuteResponse.builder().response(SdkHttpResponse.builder().statusCode(200).build()).build();
          }

          @Override
          public void abort() {}
        };
      }

      @Override
      public void close() {}
    };
    try (AwsSessionFactory leasehold = leasehold(); AgentSession session = leasehold.open(put("arn:aws:s3:::" + BUCKET + "/releases/*"))) {
      S3Client client = session.client(S3Client.builder().httpClient(capturing));
      client.putObject(b -> b.bucket(BUCKET).key("releases/1.4.2.zip"), RequestBody.fromString("z"));
      assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key("index.html"), RequestBody.fromString("z")))
          .isInstanceOf(CallOutsideScopeException.class);
    }
    assertThat(sent).singleElement().satisfies(r -> {
      assertThat(r.host()).isEqualTo(BUCKET + ".s3.amazonaws.com");
      assertThat(r.encodedPath()).isEqualTo("/releases/1.4.2.zip");
    });
  }

  private static CopyObjectRequest copy(String from, String to) {
    return CopyObjectRequest.builder().sourceBucket(BUCKET).sourceKey(from).destinationBucket(BUCKET).destinationKey(to).build();
  }
}
