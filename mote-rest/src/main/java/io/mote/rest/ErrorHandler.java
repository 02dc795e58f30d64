package io.mote.rest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;

/** Turns every failure into ThingsBoard's error body; nothing internal reaches the client. */
@RestControllerAdvice
public class ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @ExceptionHandler(MoteException.class)
    public ResponseEntity<String> mote(MoteException e) {
        return body(e.errorCode().httpStatus(), e.getMessage(), e.errorCode());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
        return body(400, "Invalid request body: malformed JSON or wrong field types", ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ResponseEntity<String> mismatch(MethodArgumentTypeMismatchException e) {
        return body(400, "Invalid value of parameter '" + e.getName() + "'", ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    public ResponseEntity<String> missing(MissingServletRequestParameterException e) {
        return body(400, "Required request parameter '" + e.getParameterName() + "' is not present",
                ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    public ResponseEntity<String> tooLarge(MaxUploadSizeExceededException e) {
        return body(413, "The upload is larger than the server accepts (mote.ota.max-file-size)",
                ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    public ResponseEntity<String> missingPart(MissingServletRequestPartException e) {
        return body(400, "Required multipart part '" + e.getRequestPartName() + "' is not present",
                ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(MultipartException.class)
    public ResponseEntity<String> multipart(MultipartException e) {
        return body(400, "Invalid multipart/form-data request", ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(415, "Content type is not supported; send application/json", ErrorCode.BAD_REQUEST_PARAMS);
    }

    /** An Accept the API cannot serve: the JSON error body all the same (its content type is set, not negotiated). */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    public ResponseEntity<String> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return body(406, "The API answers application/json; the request's Accept excludes it", ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
        return body(405, "Request method '" + e.getMethod() + "' is not supported", ErrorCode.BAD_REQUEST_PARAMS);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    public ResponseEntity<String> noResource(NoResourceFoundException e) {
        return body(404, "Not found", ErrorCode.ITEM_NOT_FOUND);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    public ResponseEntity<String> integrity(DataIntegrityViolationException e) {
        log.debug("Rejected by a database constraint: {}", e.getMessage());
        return body(400, "Invalid data: a value is too long or violates a constraint", ErrorCode.INVALID_ARGUMENTS);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<String> other(Exception e) {
        log.error("Request failed", e);
        return body(500, "Internal server error", ErrorCode.GENERAL);
    }

    static ResponseEntity<String> body(int status, String message, ErrorCode code) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(Json.errorBody(status, message, code.code())));
    }
}
