package io.mote.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.http.HttpTransportProperties;

@Configuration
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

    @Bean
    public HttpTransportProperties httpTransportProperties(
            @Value("${mote.transport.http.max-payload-size:65536}") int maxPayloadSize,
            @Value("${mote.transport.http.default-timeout:60000}") long defaultTimeout,
            @Value("${mote.transport.http.max-timeout:300000}") long maxTimeout) {
        return new HttpTransportProperties(maxPayloadSize, defaultTimeout, maxTimeout);
    }
}
