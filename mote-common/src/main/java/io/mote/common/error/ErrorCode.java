package io.mote.common.error;

/** Error codes as ThingsBoard clients know them, with the HTTP status each maps to. */
public enum ErrorCode {
    GENERAL(2, 500),
    AUTHENTICATION(10, 401),
    JWT_TOKEN_EXPIRED(11, 401),
    PERMISSION_DENIED(20, 403),
    INVALID_ARGUMENTS(30, 400),
    BAD_REQUEST_PARAMS(31, 400),
    ITEM_NOT_FOUND(32, 404),
    TOO_MANY_REQUESTS(33, 429),
    TOO_MANY_UPDATES(34, 429),
    VERSION_CONFLICT(35, 409),
    SUBSCRIPTION_VIOLATION(40, 403),
    /** ThingsBoard's bad-request code with HTTP 415: a body in a charset the server cannot decode. */
    UNSUPPORTED_MEDIA_TYPE(31, 415),
    /** Not a ThingsBoard code: the server is shedding load (HTTP 503); retry later. */
    SERVICE_UNAVAILABLE(2, 503);

    private final int code;
    private final int httpStatus;

    ErrorCode(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
