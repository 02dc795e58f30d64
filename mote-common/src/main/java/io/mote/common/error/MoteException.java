package io.mote.common.error;

/** An error with a message fit for the caller and the code that classifies it. */
public class MoteException extends RuntimeException {

    private final ErrorCode errorCode;

    public MoteException(ErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static MoteException notFound() {
        return new MoteException(ErrorCode.ITEM_NOT_FOUND, "Requested item wasn't found!");
    }

    public static MoteException badRequest(String message) {
        return new MoteException(ErrorCode.BAD_REQUEST_PARAMS, message);
    }

    public static MoteException invalid(String message) {
        return new MoteException(ErrorCode.INVALID_ARGUMENTS, message);
    }

    public static MoteException forbidden() {
        return new MoteException(ErrorCode.PERMISSION_DENIED, "You don't have permission to perform this operation!");
    }

    public static MoteException overloaded() {
        return new MoteException(ErrorCode.SERVICE_UNAVAILABLE, "Server is overloaded, retry later");
    }
}
