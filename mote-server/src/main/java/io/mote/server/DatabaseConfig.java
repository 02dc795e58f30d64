package io.mote.server;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.dao.AdminSettingsDao;
import io.mote.dao.ApiKeyDao;
import io.mote.dao.AttributesDao;
import io.mote.dao.CustomerDao;
import io.mote.dao.DeviceCredentialsDao;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.dao.KeyDictionary;
import io.mote.dao.ResourceDao;
import io.mote.dao.OtaPackageDao;
import io.mote.dao.RpcDao;
import io.mote.dao.TenantDao;
import io.mote.dao.TimeseriesDao;
import io.mote.dao.TimeseriesWriter;
import io.mote.dao.TsPartitions;
import io.mote.dao.TsRollups;
import io.mote.dao.UserDao;
import io.mote.dao.embedded.EmbeddedDatabase;
import io.mote.server.EmbeddedDatabaseStarter.EmbeddedDatabaseHolder;

/**
 * The database: an external PostgreSQL when {@code mote.db.url} is set, otherwise an embedded one
 * under the data directory, started by {@link EmbeddedDatabaseStarter} while the context is built. Flyway
 * migrates it before any repository is used.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

    @Bean(destroyMethod = "close")
    public HikariDataSource dataSource(EmbeddedDatabaseHolder embedded,
                                       @Value("${mote.db.url:}") String url,
                                       @Value("${mote.db.username:}") String username,
                                       @Value("${mote.db.password:}") String password,
                                       @Value("${mote.db.pool-size:20}") int poolSize,
                                       @Value("${mote.db.pool-min-idle:4}") int minIdle) {
        HikariConfig cfg = new HikariConfig();
        EmbeddedDatabase db = embedded.database();
        if (db != null) {
            cfg.setJdbcUrl(db.jdbcUrl());
            cfg.setUsername(db.username());
            cfg.setPassword(db.password());
        } else {
            cfg.setJdbcUrl(url);
            cfg.setUsername(username.isBlank() ? null : username);
            cfg.setPassword(password.isBlank() ? null : password);
            log.info("Using external PostgreSQL at {}", url.replaceAll("password=[^&]*", "password=***"));
        }
        cfg.setMaximumPoolSize(poolSize);
        // Connections beyond these are opened when load asks for them (and closed after idling), so a server
        // at rest keeps few database backends and a start does not wait for a full pool.
        cfg.setMinimumIdle(Math.min(minIdle, poolSize));
        cfg.setPoolName("mote-db");
        // Lets the driver send a batch of inserts as multi-row statements.
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(cfg);
    }

    @Bean
    public KeyDictionary keyDictionary(JdbcTemplate jdbc) {
        return new KeyDictionary(jdbc);
    }

    @Bean
    public TenantDao tenantDao(JdbcTemplate jdbc) {
        return new TenantDao(jdbc);
    }

    @Bean
    public CustomerDao customerDao(JdbcTemplate jdbc) {
        return new CustomerDao(jdbc);
    }

    @Bean
    public UserDao userDao(JdbcTemplate jdbc) {
        return new UserDao(jdbc);
    }

    @Bean
    public ApiKeyDao apiKeyDao(JdbcTemplate jdbc) {
        return new ApiKeyDao(jdbc);
    }

    @Bean
    public AdminSettingsDao adminSettingsDao(JdbcTemplate jdbc) {
        return new AdminSettingsDao(jdbc);
    }

    @Bean
    public DeviceProfileDao deviceProfileDao(JdbcTemplate jdbc) {
        return new DeviceProfileDao(jdbc);
    }

    @Bean
    public DeviceDao deviceDao(JdbcTemplate jdbc) {
        return new DeviceDao(jdbc);
    }

    @Bean
    public DeviceCredentialsDao deviceCredentialsDao(JdbcTemplate jdbc) {
        return new DeviceCredentialsDao(jdbc);
    }

    @Bean
    public ResourceDao resourceDao(JdbcTemplate jdbc) {
        return new ResourceDao(jdbc);
    }

    @Bean
    public RpcDao rpcDao(JdbcTemplate jdbc) {
        return new RpcDao(jdbc);
    }

    @Bean
    public OtaPackageDao otaPackageDao(JdbcTemplate jdbc) {
        return new OtaPackageDao(jdbc);
    }

    /**
     * An aggregation over at least {@code mote.ts.aggregate-parallel-min-range} scans its buckets on up to
     * {@code mote.ts.aggregate-parallelism} connections at once (default: the machine's cores, at most 4).
     */
    @Bean
    public TimeseriesDao timeseriesDao(JdbcTemplate jdbc, KeyDictionary dictionary, TsRollups rollups,
                                       @Value("${mote.ts.aggregate-parallelism:0}") int parallelism,
                                       @Value("${mote.ts.aggregate-parallel-min-range:1d}") java.time.Duration minRange) {
        int n = parallelism > 0 ? parallelism : Math.min(4, Runtime.getRuntime().availableProcessors());
        return new TimeseriesDao(jdbc, dictionary, rollups, n, minRange.toMillis());
    }

    /**
     * Hourly rollups: an hour is rolled up {@code mote.ts.rollup-delay} after its partition closed;
     * {@code mote.ts.rollups=false} makes aggregations read every point (and stops rolling up).
     */
    @Bean
    public TsRollups tsRollups(DataSource dataSource, TsPartitions partitions,
                               @Value("${mote.ts.rollup-delay:10m}") java.time.Duration delay,
                               @Value("${mote.ts.rollups:true}") boolean enabled) {
        return new TsRollups(dataSource, partitions, delay.toMillis(), enabled);
    }

    @Bean
    public AttributesDao attributesDao(JdbcTemplate jdbc, KeyDictionary dictionary) {
        return new AttributesDao(jdbc, dictionary);
    }

    @Bean
    public TsPartitions tsPartitions(DataSource dataSource, JdbcTemplate migrated,
                                     @Value("${mote.ts.partition-length:1d}") java.time.Duration length) {
        return new TsPartitions(dataSource, length.toMillis());
    }

    @Bean(destroyMethod = "close")
    public TimeseriesWriter timeseriesWriter(DataSource dataSource, KeyDictionary dictionary, TsPartitions partitions,
                                             @Value("${mote.telemetry.queue-capacity:200000}") int capacity,
                                             @Value("${mote.telemetry.batch-size:5000}") int batchSize,
                                             @Value("${mote.telemetry.writer-threads:2}") int threads) {
        return new TimeseriesWriter(dataSource, dictionary, partitions, capacity, batchSize, threads);
    }

    /**
     * {@code mote_ts_points_stored_total} (data points committed), {@code mote_ts_requests_rejected_total}
     * (refused with the queue full) and {@code mote_ts_points_queued} on the actuator.
     */
    @Bean
    public MeterBinder timeseriesMetrics(TimeseriesWriter writer) {
        return registry -> {
            FunctionCounter.builder("mote.ts.points.stored", writer, TimeseriesWriter::writtenPoints)
                    .description("Time-series data points committed to the database").register(registry);
            FunctionCounter.builder("mote.ts.requests.rejected", writer, TimeseriesWriter::rejectedRequests)
                    .description("Time-series write requests refused because the write queue was full")
                    .register(registry);
            Gauge.builder("mote.ts.points.queued", writer, TimeseriesWriter::queuedPoints)
                    .description("Time-series data points waiting for their commit").register(registry);
        };
    }

    /**
     * {@code mote_ts_rollup_rolled_seconds} (every hour before it is rolled up, but the marked ones: now minus
     * it is the rollups' lag) and {@code mote_ts_rollup_dirty_hours} (marked, waiting to be rolled up again);
     * read from the database at each scrape, NaN when it does not answer.
     */
    @Bean
    public MeterBinder rollupMetrics(TsRollups rollups) {
        return registry -> {
            Gauge.builder("mote.ts.rollup.rolled", rollups, r -> orNaN(() -> r.state()[0] / 1000.0))
                    .baseUnit("seconds").description("Time (epoch seconds) up to which the hourly rollups are made")
                    .register(registry);
            Gauge.builder("mote.ts.rollup.dirty.hours", rollups, r -> orNaN(r::dirtyHours))
                    .description("Hours of series changed after their rollup, waiting to be rolled up again")
                    .register(registry);
        };
    }

    private interface Reading {
        double read() throws Exception;
    }

    private static double orNaN(Reading reading) {
        try {
            return reading.read();
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
