package io.mote.cluster.bus;

/** The message types on the bus, by topic. */
public final class Ops {

    private Ops() {
    }

    /** An answer on a node topic: {@code ok} then the result, or the error code and message. */
    public static final String RESPONSE = "response";

    // ---- transport -> core topic, keyed by device (or credentials id, request) ----
    public static final String AUTHENTICATE = "authenticate";
    public static final String TELEMETRY = "telemetry";
    public static final String TRANSPORT_LOG = "transportLog";
    public static final String ATTRIBUTES = "attributes";
    public static final String GET_ATTRIBUTES = "getAttributes";
    public static final String TRANSPORT_CONFIGURATION = "transportConfiguration";
    public static final String GATEWAY_CHILD = "gatewayChild";
    public static final String ACTIVITY = "activity";
    public static final String UNREACHABLE = "unreachable";
    public static final String RPC_ACK = "rpcAck";
    public static final String RPC_RESPONSE = "rpcResponse";
    public static final String RPC_TIMEOUT = "rpcTimeout";
    public static final String RPC_DECLINED = "rpcDeclined";
    public static final String CLIENT_RPC = "clientRpc";
    public static final String CLAIM = "claim";
    public static final String PROVISION = "provision";
    public static final String PROVISION_CHAIN = "provisionChain";
    public static final String OTA_PACKAGE = "otaPackage";
    public static final String OTA_DATA = "otaData";
    public static final String LATEST_TELEMETRY = "latestTelemetry";
    public static final String LWM2M_MODELS = "lwm2mModels";
    public static final String DEVICES_OF_TRANSPORT = "devicesOfTransport";
    public static final String SESSION_OPEN = "sessionOpen";
    public static final String SESSION_SUBSCRIBE = "sessionSubscribe";
    public static final String SESSION_CLOSE = "sessionClose";

    // ---- core -> node topic: a session's callbacks ----
    public static final String ON_ATTRIBUTES = "onAttributes";
    public static final String ON_RPC = "onRpc";
    public static final String ON_DEVICE_UPDATED = "onDeviceUpdated";
    public static final String ON_SESSION_CLOSED = "onSessionClosed";

    // ---- core -> core topic: work for a device another core owns ----
    public static final String FWD_PUSH_ATTRIBUTES = "fwdPushAttributes";
    public static final String FWD_DEVICE_UPDATED = "fwdDeviceUpdated";
    public static final String FWD_CLOSE = "fwdClose";
    public static final String FWD_RPC = "fwdRpc";

    // ---- broadcast ----
    public static final String HEARTBEAT = "heartbeat";
    public static final String NODE_LEFT = "nodeLeft";
    public static final String PARTITIONS_ASSIGNED = "partitionsAssigned";
    public static final String DEVICE_SAVED = "deviceSaved";
    public static final String DEVICE_DELETED = "deviceDeleted";
    public static final String PROFILE_SAVED = "profileSaved";
    public static final String PROFILE_UPDATED = "profileUpdated";
    public static final String MODELS_CHANGED = "modelsChanged";
    public static final String CREDENTIALS_INVALIDATED = "credentialsInvalidated";
    public static final String DEVICE_INVALIDATED = "deviceInvalidated";
    public static final String TIMESERIES_UPDATE = "timeseriesUpdate";
    public static final String ATTRIBUTES_UPDATE = "attributesUpdate";
}
