package dev.handshakeagent.agent.advice.bcjsse;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.advice.JdkInstrumentation;
import dev.handshakeagent.agent.advice.ProviderHooks;
import dev.handshakeagent.bridge.ProviderBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * BCJSSE's {@code ProvTlsClient} and {@code ProvTlsServer}, the TLS peers working for one
 * connection (their {@code manager} field: the {@code SSLEngine} or {@code SSLSocket}). {@code
 * notifyHandshakeBeginning()} starts the handshake and makes the peer an alias of the connection;
 * {@code notifyAlertRaised}/{@code notifyAlertReceived} with a fatal level fail it with the alert's
 * name and origin; {@code notifyConnectionClosed()} ends one still open (the peer closed
 * mid-handshake).
 */
public final class ProvTlsPeerInstrumentation implements JdkInstrumentation {

  private final String className;
  private final boolean client;

  ProvTlsPeerInstrumentation(String className, boolean client) {
    this.className = className;
    this.client = client;
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return ProviderHooks.relocatable(className);
  }

  @Override
  public DynamicType.Builder<?> apply(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder
        .visit(
            Advice.to(client ? ClientBeginningAdvice.class : ServerBeginningAdvice.class)
                .on(
                    named(BcjsseHooks.NOTIFY_HANDSHAKE_BEGINNING)
                        .and(hasDescriptor(BcjsseHooks.NO_ARGUMENTS))))
        .visit(
            Advice.to(AlertRaisedAdvice.class)
                .on(
                    named(BcjsseHooks.NOTIFY_ALERT_RAISED)
                        .and(hasDescriptor(BcjsseHooks.ALERT_RAISED_DESCRIPTOR))))
        .visit(
            Advice.to(AlertReceivedAdvice.class)
                .on(
                    named(BcjsseHooks.NOTIFY_ALERT_RECEIVED)
                        .and(hasDescriptor(BcjsseHooks.ALERT_RECEIVED_DESCRIPTOR))))
        .visit(
            Advice.to(ClosedAdvice.class)
                .on(
                    named(BcjsseHooks.NOTIFY_CONNECTION_CLOSED)
                        .and(hasDescriptor(BcjsseHooks.NO_ARGUMENTS))));
  }

  public static final class ClientBeginningAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object peer, @Advice.FieldValue("manager") Object connection) {
      ProviderBridge.started(connection, BcjsseHooks.NAME, null, true);
      ProviderBridge.alias(peer, connection);
    }
  }

  public static final class ServerBeginningAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object peer, @Advice.FieldValue("manager") Object connection) {
      ProviderBridge.started(connection, BcjsseHooks.NAME, null, false);
      ProviderBridge.alias(peer, connection);
    }
  }

  public static final class AlertRaisedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object peer,
        @Advice.Argument(0) short level,
        @Advice.Argument(1) short description,
        @Advice.Argument(3) Throwable cause) {
      if (level == 2) { // AlertLevel.fatal
        ProviderBridge.failed(peer, cause, ProviderBridge.alertName(description), false);
      }
    }
  }

  public static final class AlertReceivedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
        @Advice.This Object peer,
        @Advice.Argument(0) short level,
        @Advice.Argument(1) short description) {
      if (level == 2) { // AlertLevel.fatal
        ProviderBridge.failed(peer, null, ProviderBridge.alertName(description), true);
      }
    }
  }

  public static final class ClosedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object peer) {
      ProviderBridge.closed(peer);
    }
  }
}
