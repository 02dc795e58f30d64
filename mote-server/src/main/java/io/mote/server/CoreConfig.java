package io.mote.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.mote.core.security.LoginThrottle;

@Configuration(proxyBeanMethods = false)
public class CoreConfig {

    /** Runs the core's database work for transports, so their threads never wait on it. */
    @Bean(destroyMethod = "shutdown")
    public ExecutorService coreExecutor(@Value("${mote.core.threads:16}") int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(100_000), r -> {
            Thread t = new Thread(r, "core-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code mote_auth_login_throttled_total{scope}}: login attempts refused with 429, by account or address. */
    @Bean
    public MeterBinder loginThrottleMetrics(LoginThrottle throttle) {
        return registry -> {
            FunctionCounter.builder("mote.auth.login.throttled", throttle, LoginThrottle::throttledByAccount)
                    .tag("scope", "account").description("Login attempts refused: the account is locked out")
                    .register(registry);
            FunctionCounter.builder("mote.auth.login.throttled", throttle, LoginThrottle::throttledByAddress)
                    .tag("scope", "address").description("Login attempts refused: the client address is locked out")
                    .register(registry);
        };
    }
}
