package io.mote.transport.http;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** {@code mote.transport.http.enabled} (default true): whether the HTTP device API is served. */
class HttpTransportEnabled implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return context.getEnvironment().getProperty("mote.transport.http.enabled", Boolean.class, true);
    }
}
