package dev.leasehold.approval.slack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of every logger, down to {@code level}, for one test.
 *
 * <p>One exception: Java-WebSocket's own TRACE output is a dump of the wire (every frame's payload) and
 * stays at DEBUG, as the module's documentation tells operators to keep it.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final Level level;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Level previous;

  public LogCapture(Level level) {
    this.level = level;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(level);
    ((Logger) LoggerFactory.getLogger("dev.leasehold")).setLevel(level);
    ((Logger) LoggerFactory.getLogger("org.java_websocket")).setLevel(Level.DEBUG);
    appender.start();
    root.addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    root.setLevel(previous);
    ((Logger) LoggerFactory.getLogger("dev.leasehold")).setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger("org.java_websocket")).setLevel(null);
  }

  /** Every captured line, with its arguments and any stack trace rendered. */
  public String text() {
    return events().stream()
        .map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .collect(Collectors.joining("\n"));
  }

  public int size() {
    return events().size();
  }

  private List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase appends while holding this lock
      return new ArrayList<>(appender.list);
    }
  }
}
