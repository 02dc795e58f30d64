package io.mote.transport.snmp;

import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

import io.mote.common.json.Json;
import io.mote.common.kv.DataType;
import io.mote.common.kv.KvEntry;

/**
 * SNMP values to and from the key-value model by a mapping's {@code dataType}. Exceptions (noSuchObject,
 * noSuchInstance, endOfMibView) and values that do not convert give null: the key is left out.
 */
public final class SnmpValues {

    private SnmpValues() {
    }

    public static KvEntry toKv(String key, DataType type, Variable v) {
        if (v == null || v.isException() || v instanceof Null) {
            return null;
        }
        try {
            return switch (type) {
                case LONG -> v instanceof OctetString ? KvEntry.ofLong(key, Long.parseLong(v.toString().trim()))
                        : KvEntry.ofLong(key, v.toLong());
                case DOUBLE -> v instanceof OctetString ? KvEntry.ofDouble(key, Double.parseDouble(v.toString().trim()))
                        : KvEntry.ofDouble(key, v.toLong());
                case BOOLEAN -> KvEntry.ofBoolean(key, bool(v));
                case STRING -> KvEntry.ofString(key, text(v));
                case JSON -> KvEntry.ofJson(key, Json.write(Json.parse(text(v))));
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean bool(Variable v) {
        if (v instanceof OctetString) {
            String s = v.toString().trim();
            if (s.equalsIgnoreCase("true") || s.equals("1")) {
                return true;
            }
            if (s.equalsIgnoreCase("false") || s.equals("0")) {
                return false;
            }
            throw new IllegalArgumentException("not a boolean");
        }
        // SNMP's TruthValue: 1 true, 2 false; any other integer is non-zero = true
        long n = v.toLong();
        return n == 1 || (n != 2 && n != 0);
    }

    /** Text of a value: an OctetString as text when printable (else hex), TimeTicks as its hundredths. */
    private static String text(Variable v) {
        if (v instanceof OctetString o) {
            return o.isPrintable() ? new String(o.getValue(), java.nio.charset.StandardCharsets.UTF_8) : o.toHexString();
        }
        if (v instanceof TimeTicks t) {
            return Long.toString(t.getValue());
        }
        return v.toString();
    }

    /** A value to SET, typed by the mapping's data type: LONG an Integer32, BOOLEAN a TruthValue, else an OctetString. */
    public static Variable toVariable(Object value, DataType type) {
        String s = value instanceof String str ? str : String.valueOf(value);
        return switch (type) {
            case LONG -> new Integer32(Integer.parseInt(number(s)));
            case BOOLEAN -> new Integer32(Boolean.parseBoolean(s) ? 1 : 2);
            default -> new OctetString(s);
        };
    }

    /** Integral text of a number given as JSON (2.0 → 2). */
    private static String number(String s) {
        String t = s.trim();
        if (t.endsWith(".0")) {
            t = t.substring(0, t.length() - 2);
        }
        return t;
    }
}
