package io.mote.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import io.mote.dao.embedded.EmbeddedDatabase;
import io.mote.server.cluster.Role;

/**
 * Starts the embedded PostgreSQL (when {@code mote.db.url} is empty) on a thread of its own as soon as the
 * configuration is read, before Spring builds the context, so creating or starting the cluster overlaps with
 * scanning and creating the beans; the connection pool is the first to wait for it. Registered in
 * {@code META-INF/spring.factories}, so every Mote application context (tests included) gets it.
 */
public final class EmbeddedDatabaseStarter implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseStarter.class);

    static final String BEAN_NAME = "embeddedDatabase";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Environment env = context.getEnvironment();
        if (Role.of(env) == Role.TRANSPORT) {
            return; // a transport node has no database at all
        }
        EmbeddedDatabaseHolder holder;
        if (!env.getProperty("mote.db.url", "").isBlank()) {
            holder = new EmbeddedDatabaseHolder(CompletableFuture.completedFuture(null));
        } else {
            Path dataDir = Path.of(env.getProperty("mote.data-dir", "./data"));
            int port = env.getProperty("mote.db.embedded-port", Integer.class, 0);
            boolean syncCommit = env.getProperty("mote.db.embedded-synchronous-commit", Boolean.class, true);
            if (!syncCommit) {
                log.warn("mote.db.embedded-synchronous-commit=false: data acknowledged in the last moments before a "
                        + "database or machine crash may be lost");
            }
            CompletableFuture<EmbeddedDatabase> started = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    started.complete(EmbeddedDatabase.start(dataDir, port, syncCommit, installedBinaries()));
                } catch (IOException | RuntimeException e) {
                    started.completeExceptionally(e);
                }
            }, "embedded-postgres-start");
            t.setDaemon(true);
            t.start();
            holder = new EmbeddedDatabaseHolder(started);
        }
        context.getBeanFactory().registerSingleton(BEAN_NAME, holder);
        // A singleton registered by hand gets no destroy callback of its own; the pool depends on it, so the
        // context closes it after the pool.
        if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean(BEAN_NAME, holder);
        }
    }

    /**
     * {@code postgres-bin/} beside the server's jar when started from the extracted layout the build writes
     * (which unpacks PostgreSQL there), so a first start links it instead of decompressing the archive.
     */
    static Path installedBinaries() {
        try {
            return installedBinaries(Path.of(MoteApplication.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()));
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return null; // not a plain file (the self-contained jar's nested classes): nothing installed beside it
        }
    }

    /** {@code postgres-bin/} beside the jar {@code codeSource}; null for classes in a directory or none there. */
    static Path installedBinaries(Path codeSource) {
        Path dir = codeSource.resolveSibling("postgres-bin");
        return Files.isRegularFile(codeSource) && Files.isDirectory(dir) ? dir : null;
    }

    /** The embedded server being started or running (none when the database is external), closed with the context. */
    public static final class EmbeddedDatabaseHolder implements DisposableBean {

        private final CompletableFuture<EmbeddedDatabase> started;

        EmbeddedDatabaseHolder(CompletableFuture<EmbeddedDatabase> started) {
            this.started = started;
        }

        /** Waits for the start; null when the database is external. */
        public EmbeddedDatabase database() {
            try {
                return started.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw new UncheckedIOException("The embedded PostgreSQL did not start: " + io.getMessage(), io);
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        @Override
        public void destroy() throws IOException {
            EmbeddedDatabase db;
            try {
                db = started.join();
            } catch (CompletionException e) {
                return;
            }
            if (db != null) {
                db.close();
            }
        }
    }
}
