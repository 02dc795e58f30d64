package io.mote.core.security;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;

/**
 * Throttles password guessing on {@code /api/auth/login}, per account and per client address. After
 * {@code max-failures} failed logins of an account (or {@code max-failures-per-address} from one address)
 * further attempts are refused with 429 for a lockout that starts at {@code lockout-ms} and doubles with
 * every lockout that follows without a successful login, up to {@code max-lockout-ms}: each lockout ends,
 * so an attacker can delay a user but never lock them out for good. A success clears the account's and
 * the address's record.
 */
@Component
public class LoginThrottle {

    /** Records kept at most per kind; past it, records with no lockout running are forgotten first. */
    static final int MAX_RECORDS = 100_000;

    private final int maxFailures;
    private final int maxFailuresPerAddress;
    private final long lockoutMs;
    private final long maxLockoutMs;
    private final Map<String, Record> accounts = new ConcurrentHashMap<>();
    private final Map<String, Record> addresses = new ConcurrentHashMap<>();
    private final LongAdder throttledAccount = new LongAdder();
    private final LongAdder throttledAddress = new LongAdder();

    public LoginThrottle(@Value("${mote.auth.login.max-failures:5}") int maxFailures,
                         @Value("${mote.auth.login.max-failures-per-address:30}") int maxFailuresPerAddress,
                         @Value("${mote.auth.login.lockout-ms:30000}") long lockoutMs,
                         @Value("${mote.auth.login.max-lockout-ms:900000}") long maxLockoutMs) {
        this.maxFailures = maxFailures;
        this.maxFailuresPerAddress = maxFailuresPerAddress;
        this.lockoutMs = lockoutMs;
        this.maxLockoutMs = Math.max(lockoutMs, maxLockoutMs);
    }

    /** Failures and lockouts of one account or address. */
    private static final class Record {
        int failures;
        int lockouts;
        long lockedUntil;
        long lastFailure;
    }

    /** Refuses with 429 while the account or the address is locked out; call before checking the password. */
    public void check(String username, String address) {
        long now = System.currentTimeMillis();
        long wait = remaining(addresses, address, now);
        if (wait > 0) {
            throttledAddress.increment();
            throw tooMany(wait);
        }
        wait = remaining(accounts, account(username), now);
        if (wait > 0) {
            throttledAccount.increment();
            throw tooMany(wait);
        }
    }

    public void failed(String username, String address) {
        long now = System.currentTimeMillis();
        fail(accounts, account(username), maxFailures, now);
        if (address != null) {
            fail(addresses, address, maxFailuresPerAddress, now);
        }
    }

    public void succeeded(String username, String address) {
        accounts.remove(account(username));
        if (address != null) {
            addresses.remove(address);
        }
    }

    /** Attempts refused because the account was locked out. */
    public long throttledByAccount() {
        return throttledAccount.sum();
    }

    /** Attempts refused because the address was locked out. */
    public long throttledByAddress() {
        return throttledAddress.sum();
    }

    private static String account(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    private static long remaining(Map<String, Record> records, String key, long now) {
        if (key == null) {
            return 0;
        }
        Record r = records.get(key);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            return r.lockedUntil - now;
        }
    }

    private void fail(Map<String, Record> records, String key, int limit, long now) {
        if (limit <= 0) {
            return;
        }
        if (records.size() >= MAX_RECORDS) {
            prune(records, now);
        }
        Record r = records.computeIfAbsent(key, k -> new Record());
        synchronized (r) {
            // A record quiet for longer than the longest lockout starts over: the backoff is not for ever.
            if (r.lastFailure > 0 && now - r.lastFailure > 2 * maxLockoutMs) {
                r.failures = 0;
                r.lockouts = 0;
            }
            r.lastFailure = now;
            if (++r.failures >= limit) {
                long lock = Math.min(maxLockoutMs, lockoutMs << Math.min(r.lockouts, 30));
                r.lockedUntil = now + lock;
                r.lockouts++;
                r.failures = 0;
            }
        }
    }

    private void prune(Map<String, Record> records, long now) {
        records.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().lockedUntil < now;
            }
        });
    }

    private static MoteException tooMany(long waitMs) {
        long seconds = Math.max(1, (waitMs + 999) / 1000);
        return new MoteException(ErrorCode.TOO_MANY_REQUESTS,
                "Too many failed login attempts; try again in " + seconds + " s");
    }
}
