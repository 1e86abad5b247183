package dev.leasehold.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.policy.AccessLevel;
import dev.leasehold.policy.IamActions;
import dev.leasehold.policy.internal.ServiceAuthorization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.signer.AwsSignerExecutionAttribute;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;

/**
 * Every operation of 25 common SDK clients maps to IAM actions that exist in the bundled service
 * authorization data, or is listed in the exceptions table as newer than the data (refused, never guessed).
 * Operations come from the clients' own interfaces (every request type a sync or async method takes); the
 * service and signing names come from a real call of each client, stopped before it is marshalled.
 */
class OperationActionsCoverageTest {
  /** Client package and class prefix of the 25 services. */
  static final String[][] CLIENTS = {
      {"s3", "S3"}, {"ec2", "Ec2"}, {"lambda", "Lambda"}, {"dynamodb", "DynamoDb"}, {"sqs", "Sqs"}, {"sns", "Sns"},
      {"kms", "Kms"}, {"secretsmanager", "SecretsManager"}, {"ssm", "Ssm"}, {"cloudwatch", "CloudWatch"},
      {"cloudwatchlogs", "CloudWatchLogs"}, {"rdsdata", "RdsData"}, {"rds", "Rds"}, {"ecs", "Ecs"}, {"ecr", "Ecr"},
      {"eks", "Eks"}, {"iam", "Iam"}, {"sts", "Sts"}, {"sfn", "Sfn"}, {"eventbridge", "EventBridge"},
      {"kinesis", "Kinesis"}, {"athena", "Athena"}, {"glue", "Glue"}, {"route53", "Route53"},
      {"cloudformation", "CloudFormation"}};

  /** Per service: the IAM prefix the guard derives at run time, and the operations. */
  record Service(String prefix, Set<String> operations) {}

  static final Map<String, Service> SERVICES = new TreeMap<>();

  @BeforeAll
  static void enumerate() throws Exception {
    for (String[] c : CLIENTS) {
      Set<String> operations = new TreeSet<>();
      for (String kind : new String[] {"Client", "AsyncClient"}) {
        Class<?> client = Class.forName("software.amazon.awssdk.services." + c[0] + "." + c[1] + kind);
        for (Method m : client.getMethods()) {
          for (Class<?> p : m.getParameterTypes()) {
            String name = p.getSimpleName();
            if (SdkRequest.class.isAssignableFrom(p) && !Modifier.isAbstract(p.getModifiers()) && name.endsWith("Request")) {
              operations.add(name.substring(0, name.length() - "Request".length()));
            }
          }
        }
      }
      SERVICES.put(c[0], new Service(runtimePrefix(c), operations));
    }
  }

  /** The IAM prefix ActionMapper derives from what a real client of this service reports at run time. */
  @SuppressWarnings("deprecation")
  private static String runtimePrefix(String[] c) throws Exception {
    AtomicReference<String> prefix = new AtomicReference<>();
    class Stop extends RuntimeException {
      Stop() {
        super("stopped before marshalling", null, false, false);
      }
    }
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        prefix.set(OperationActions.prefix(attributes.getAttribute(AwsSignerExecutionAttribute.SERVICE_SIGNING_NAME),
            attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)));
        throw new Stop();
      }
    };
    Class<?> clientType = Class.forName("software.amazon.awssdk.services." + c[0] + "." + c[1] + "Client");
    AwsClientBuilder<?, ?> builder = (AwsClientBuilder<?, ?>) clientType.getMethod("builder").invoke(null);
    builder.region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:9"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .overrideConfiguration(o -> o.addExecutionInterceptor(capture));
    try (SdkClient client = (SdkClient) builder.build()) {
      for (Method m : clientType.getMethods()) {
        if (m.getParameterCount() == 1 && SdkRequest.class.isAssignableFrom(m.getParameterTypes()[0])) {
          Object request = m.getParameterTypes()[0].getMethod("builder").invoke(null);
          request = ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) request).build();
          try {
            m.invoke(client, request);
          } catch (java.lang.reflect.InvocationTargetException e) {
            if (!(e.getCause() instanceof Stop)) {
              continue;
            }
          }
          if (prefix.get() != null) {
            return prefix.get();
          }
        }
      }
    }
    throw new AssertionError("no call of " + c[1] + " reached beforeExecution");
  }

  @Test
  void everyOperationOfTheTwentyFiveClientsMapsToActionsAwsHasOrIsListedAsUnpublished() {
    ActionMapper mapper = new ActionMapper(Map.of());
    List<String> wrong = new ArrayList<>();
    List<String> unpublished = new ArrayList<>();
    int total = 0;
    int throughTable = 0;
    for (Service s : SERVICES.values()) {
      for (String op : s.operations()) {
        total++;
        List<String> actions = mapper.map(s.prefix(), op);
        if (OperationActions.isListed(s.prefix(), op)) {
          throughTable++;
        }
        if (actions.isEmpty()) {
          if (OperationActions.isListed(s.prefix(), op)) {
            unpublished.add(s.prefix() + ":" + op);
          } else {
            wrong.add(s.prefix() + ":" + op + " (maps to nothing and is not in the table)");
          }
        }
        for (String a : actions) {
          if (!IamActions.exists(a)) {
            wrong.add(s.prefix() + ":" + op + " -> " + a);
          }
        }
      }
    }
    System.out.printf("SDK operations: %d across %d clients; %d mapped through the exceptions table; %d newer than "
        + "the IAM data (%s %s) and refused: %s%n", total, SERVICES.size(), throughTable, unpublished.size(),
        ServiceAuthorization.bundled().sourceVersion(), ServiceAuthorization.bundled().sourceDate(), unpublished);
    assertThat(SERVICES).hasSize(25);
    assertThat(total).isGreaterThan(2_700);
    assertThat(wrong).as("operations mapped to actions AWS does not have").isEmpty();
    // operations newer than the data stay few; when the data is updated, drop the ones it now knows
    assertThat(unpublished.size()).isLessThan(total / 20);
    assertThat(unpublished).allSatisfy(op -> assertThat(IamActions.exists(op)).as(op + " is in the data now: remove "
        + "its '-' line from operation-actions.txt").isFalse());
  }

  @Test
  void everyActionInTheExceptionsTableExists() {
    for (List<String> actions : OperationActions.load().values()) {
      assertThat(actions).allSatisfy(a -> assertThat(IamActions.exists(a)).as(a).isTrue())
          .allSatisfy(a -> assertThat(IamActions.canonical(a)).contains(a));
    }
  }

  @Test
  void theCallsAgentsUseMostMapToTheActionsAwsChecks() {
    ActionMapper mapper = new ActionMapper(Map.of());
    assertThat(mapper.map("lambda", "Invoke")).containsExactly("lambda:InvokeFunction");
    assertThat(mapper.map("sqs", "SendMessageBatch")).containsExactly("sqs:SendMessage");
    assertThat(mapper.map("sns", "PublishBatch")).containsExactly("sns:Publish");
    assertThat(mapper.map("kms", "ReEncrypt")).containsExactly("kms:ReEncryptFrom", "kms:ReEncryptTo");
    assertThat(mapper.map("s3", "CopyObject")).containsExactly("s3:PutObject", "s3:GetObject");
    assertThat(mapper.map("s3", "DeleteBucketLifecycle")).containsExactly("s3:PutLifecycleConfiguration");
    assertThat(mapper.map("s3", "GetBucketEncryption")).containsExactly("s3:GetEncryptionConfiguration");
    assertThat(mapper.map("s3", "ListMultipartUploads")).containsExactly("s3:ListBucketMultipartUploads");
    assertThat(mapper.map("dynamodb", "ExecuteStatement")).contains("dynamodb:PartiQLSelect");
    assertThat(mapper.map("logs", "FilterLogEvents")).containsExactly("logs:FilterLogEvents");
    assertThat(new ActionMapper(Map.of("ecs:ListGateways", "ecs:ListClusters")).map("ecs", "ListGateways"))
        .containsExactly("ecs:ListClusters");
  }

  @Test
  void everyActionOfTheseServicesIsMutatingExactlyWhenAwsSaysItWrites() {
    int checked = 0;
    for (Service s : SERVICES.values()) {
      for (ServiceAuthorization.Action a : ServiceAuthorization.bundled().service(s.prefix()).actions()) {
        boolean readOrList = a.levels().stream().allMatch(l -> l == AccessLevel.READ || l == AccessLevel.LIST);
        assertThat(GuardInterceptor.isMutating(a.qualifiedName())).as(a.qualifiedName() + " " + a.levels())
            .isEqualTo(!readOrList);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(3_000);
  }
}
