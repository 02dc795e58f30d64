package io.mote.core.ota;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;

import io.mote.common.error.MoteException;

/**
 * The checksums an OTA package can carry, computed while its file streams in. Each is written as lower-case
 * hex, as ThingsBoard writes them: the digest's bytes for MD5 and SHA-*, and Guava's {@code HashCode} text
 * for CRC32 and MurmurHash3, which puts a 32-bit value's bytes in little-endian order.
 */
public enum ChecksumAlgorithm {
    MD5, SHA256, SHA384, SHA512, CRC32, MURMUR3_32, MURMUR3_128;

    /** The default when an upload names none. */
    public static final ChecksumAlgorithm DEFAULT = SHA256;

    /** A checksum being computed over a stream of bytes. */
    public interface Digest {
        void update(byte[] buffer, int offset, int length);

        /** The checksum of everything seen, as lower-case hex. */
        String hex();
    }

    /** Parses a request parameter (case-insensitive); empty means {@link #DEFAULT}. */
    public static ChecksumAlgorithm parse(String name) {
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Unsupported checksumAlgorithm '" + name + "'; use one of "
                    + Arrays.toString(values()));
        }
    }

    public Digest newDigest() {
        return switch (this) {
            case MD5 -> message("MD5");
            case SHA256 -> message("SHA-256");
            case SHA384 -> message("SHA-384");
            case SHA512 -> message("SHA-512");
            case CRC32 -> new Digest() {
                private final CRC32 crc = new CRC32();

                @Override
                public void update(byte[] buffer, int offset, int length) {
                    crc.update(buffer, offset, length);
                }

                @Override
                public String hex() {
                    return HashCode.fromInt((int) crc.getValue()).toString();
                }
            };
            case MURMUR3_32 -> hasher(Hashing.murmur3_32_fixed().newHasher());
            case MURMUR3_128 -> hasher(Hashing.murmur3_128().newHasher());
        };
    }

    /**
     * Whether a checksum the caller gave matches the computed one: case-insensitive, and for CRC32 also in
     * the usual big-endian form (as {@code crc32} tools print it).
     */
    public boolean matches(String given, String computed) {
        String g = given.trim();
        if (g.equalsIgnoreCase(computed)) {
            return true;
        }
        if (this == CRC32) {
            long value = Integer.toUnsignedLong(Integer.reverseBytes((int) Long.parseLong(computed, 16)));
            return g.equalsIgnoreCase(String.format("%08x", value)) || g.equalsIgnoreCase(Long.toHexString(value));
        }
        return false;
    }

    private static Digest message(String jdkName) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jdkName + " is missing from the JDK", e);
        }
        return new Digest() {
            @Override
            public void update(byte[] buffer, int offset, int length) {
                md.update(buffer, offset, length);
            }

            @Override
            public String hex() {
                return HexFormat.of().formatHex(md.digest());
            }
        };
    }

    private static Digest hasher(Hasher h) {
        return new Digest() {
            @Override
            public void update(byte[] buffer, int offset, int length) {
                h.putBytes(buffer, offset, length);
            }

            @Override
            public String hex() {
                return h.hash().toString();
            }
        };
    }
}
