package io.mote.transport.mqtt;

/** MQTT topic-filter matching: {@code +} stands for one level, a final {@code #} for any remaining levels. */
public final class TopicFilter {

    private TopicFilter() {
    }

    public static boolean isWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    public static boolean matches(String filter, String topic) {
        if (!isWildcard(filter)) {
            return filter.equals(topic);
        }
        int f = 0;
        int t = 0;
        int fl = filter.length();
        int tl = topic.length();
        while (f < fl) {
            char c = filter.charAt(f);
            if (c == '#') {
                return true;
            }
            if (c == '+') {
                while (t < tl && topic.charAt(t) != '/') {
                    t++;
                }
                f++;
            } else {
                if (t >= tl || topic.charAt(t) != c) {
                    // "a/#" also matches "a" itself.
                    return t == tl && filter.startsWith("/#", f);
                }
                f++;
                t++;
            }
        }
        return t == tl;
    }
}
