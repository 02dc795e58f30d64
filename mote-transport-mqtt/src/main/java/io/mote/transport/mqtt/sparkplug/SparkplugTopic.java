package io.mote.transport.mqtt.sparkplug;

/**
 * A Sparkplug B topic, {@code spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]}: node
 * messages have no device id, device messages (DBIRTH, DDATA, DDEATH, DCMD) do.
 */
public record SparkplugTopic(String group, MessageType type, String edgeNode, String device) {

    public static final String NAMESPACE = "spBv1.0";

    /** The Sparkplug message types; STATE is the host application's and not handled here. */
    public enum MessageType {
        NBIRTH, NDEATH, NDATA, NCMD, DBIRTH, DDEATH, DDATA, DCMD, STATE, NRECORD, DRECORD;

        boolean isDevice() {
            return this == DBIRTH || this == DDEATH || this == DDATA || this == DCMD || this == DRECORD;
        }

        static MessageType of(String level) {
            for (MessageType t : values()) {
                if (t.name().equals(level)) {
                    return t;
                }
            }
            return null;
        }
    }

    public static boolean isSparkplug(String topic) {
        return topic.startsWith(NAMESPACE + "/");
    }

    /** The topic's parts; null when it is not a well-formed node or device topic. */
    public static SparkplugTopic parse(String topic) {
        if (!isSparkplug(topic)) {
            return null;
        }
        String[] levels = topic.split("/", -1);
        if (levels.length < 4 || levels.length > 5) {
            return null;
        }
        MessageType type = MessageType.of(levels[2]);
        if (type == null || type == MessageType.STATE || type.isDevice() != (levels.length == 5)) {
            return null;
        }
        for (String level : levels) {
            if (level.isEmpty() || level.contains("+") || level.contains("#")) {
                return null;
            }
        }
        return new SparkplugTopic(levels[1], type, levels[3], levels.length == 5 ? levels[4] : null);
    }

    /** The topic of a node message ({@code device} null) or a device message. */
    public static String of(String group, MessageType type, String edgeNode, String device) {
        String node = NAMESPACE + "/" + group + "/" + type.name() + "/" + edgeNode;
        return device == null ? node : node + "/" + device;
    }
}
