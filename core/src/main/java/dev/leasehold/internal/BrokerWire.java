package dev.leasehold.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.ApprovalDeniedException;
import dev.leasehold.ApprovalRateLimitedException;
import dev.leasehold.ApprovalTimedOutException;
import dev.leasehold.ApprovalUnavailableException;
import dev.leasehold.AssumeRoleFailedException;
import dev.leasehold.AuditFailureException;
import dev.leasehold.BrokerUnavailableException;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.LeaseholdException;
import dev.leasehold.OutOfScopeException;
import dev.leasehold.UnknownRoleException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where Leasehold's typed errors cross the broker's agent API: the broker writes
 * {@code {"error": TYPE, "message": ..., ...}} with {@link #status(RuntimeException)}, and the client turns
 * it back into the same exception with the same message ({@link #exception(int, JsonNode)}).
 */
public final class BrokerWire {
  private BrokerWire() {}

  /** The HTTP status of a refused or failed lease request. */
  public static int status(RuntimeException e) {
    if (e instanceof InvalidRequestException || e instanceof IllegalArgumentException) {
      return 400;
    }
    if (e instanceof UnknownRoleException) {
      return 404;
    }
    if (e instanceof OutOfScopeException || e instanceof ApprovalDeniedException) {
      return 403;
    }
    if (e instanceof ApprovalRateLimitedException) {
      return 429;
    }
    if (e instanceof ApprovalTimedOutException) {
      return 504;
    }
    if (e instanceof AssumeRoleFailedException) {
      return 502;
    }
    if (e instanceof ApprovalUnavailableException || e instanceof AuditFailureException
        || e instanceof FleetUnavailableException) {
      return 503;
    }
    return 500;
  }

  /** The error body of {@code e}; messages of Leasehold's exceptions carry no secrets by contract. */
  public static void describe(RuntimeException e, ObjectNode body) {
    String type = e instanceof LeaseholdException ? e.getClass().getSimpleName()
        : e instanceof IllegalArgumentException ? "InvalidRequestException" : "InternalError";
    body.put("error", type);
    body.put("message", e instanceof LeaseholdException || e instanceof IllegalArgumentException ? e.getMessage()
        : "The broker failed while handling the request; its operator can find the cause in its log.");
    if (e instanceof UnknownRoleException u) {
      body.put("roleKey", u.roleKey());
      ArrayNode allowed = body.putArray("allowedRoleKeys");
      u.allowedRoleKeys().forEach(allowed::add);
    } else if (e instanceof OutOfScopeException o) {
      ArrayNode allowing = body.putArray("allowingRoles");
      o.allowingRoles().forEach(allowing::add);
    } else if (e instanceof ApprovalDeniedException d) {
      body.put("requestId", d.requestId());
      body.put("approver", d.approver());
      body.put("note", d.note());
    } else if (e instanceof AssumeRoleFailedException a) {
      body.put("category", a.category().name());
      body.put("roleKey", a.roleKey());
    }
  }

  /** The exception an error body stands for. */
  public static LeaseholdException exception(int status, JsonNode body) {
    String type = body.path("error").asText("");
    String message = body.path("message").asText("The broker answered HTTP " + status + " without a message.");
    switch (type) {
      case "InvalidRequestException":
        return new InvalidRequestException(message);
      case "UnknownRoleException":
        return new UnknownRoleException(body.path("roleKey").asText(), strings(body.path("allowedRoleKeys")));
      case "OutOfScopeException":
        return new OutOfScopeException(message, strings(body.path("allowingRoles")));
      case "ApprovalDeniedException":
        return new ApprovalDeniedException(message, body.path("requestId").asText(), body.path("approver").asText(),
            body.path("note").asText(""));
      case "ApprovalRateLimitedException":
        return new ApprovalRateLimitedException(message);
      case "ApprovalTimedOutException":
        return new ApprovalTimedOutException(message);
      case "AssumeRoleFailedException":
        AssumeRoleFailedException.Category category;
        try {
          category = AssumeRoleFailedException.Category.valueOf(body.path("category").asText());
        } catch (IllegalArgumentException e) {
          category = AssumeRoleFailedException.Category.values()[0];
        }
        return new AssumeRoleFailedException(category, body.path("roleKey").asText(), message, null);
      case "ApprovalUnavailableException":
        return new ApprovalUnavailableException(message, null);
      case "AuditFailureException":
        return new AuditFailureException(message, null);
      case "FleetUnavailableException":
        return new FleetUnavailableException(message, null);
      case "NotFound":
        return new dev.leasehold.SessionExpiredException(message);
      default:
        if (status == 401) {
          return new BrokerUnavailableException("The broker refused the client token (HTTP 401). Check the token "
              + "the broker's operator gave this agent.", null);
        }
        return new BrokerUnavailableException("The broker failed (HTTP " + status + "): " + message, null);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
