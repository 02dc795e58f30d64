package io.mote.core;

import java.util.regex.Pattern;

import io.mote.common.error.MoteException;

/** Field checks shared by the entity services; messages name the field. */
public final class Validation {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    private Validation() {
    }

    /** A required text of at most {@code max} characters, without NUL characters. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw MoteException.invalid(field + " should be specified!");
        }
        return optional(field, value, max);
    }

    public static String optional(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw MoteException.invalid(field + " length must be equal or less than " + max);
        }
        if (value.indexOf('\0') >= 0) {
            throw MoteException.invalid(field + " must not contain NUL characters");
        }
        return value;
    }

    public static String email(String value) {
        required("Email", value, 255);
        if (!EMAIL.matcher(value).matches()) {
            throw MoteException.invalid("Invalid email address format '" + value + "'!");
        }
        return value.trim();
    }
}
