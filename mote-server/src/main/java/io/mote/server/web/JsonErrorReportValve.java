package io.mote.server.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import io.mote.common.error.ErrorCode;
import io.mote.common.json.Json;

/**
 * Tomcat's error report (what it answers when a request never reaches the application: a request line or
 * headers it cannot parse or that are too large) as Mote's JSON error body instead of an HTML page.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        byte[] body = Json.write(Json.errorBody(status, message(status), code(status).code()))
                .getBytes(StandardCharsets.UTF_8);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            OutputStream out = response.getOutputStream();
            out.write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client has gone or the response is committed; nothing more to tell it.
        }
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "Bad request: the request line or headers are malformed or too large";
            case 401 -> "Authentication failed";
            case 403 -> "You don't have permission to perform this operation!";
            case 404 -> "Not found";
            case 405 -> "Request method is not supported";
            case 408 -> "Request timed out";
            case 413 -> "Request is too large";
            case 414 -> "Request URI is too long";
            case 415 -> "Content type is not supported";
            case 429 -> "Too many requests";
            case 431 -> "Request header fields are too large";
            case 503 -> "Service unavailable";
            default -> status < 500 ? "Bad request" : "Internal server error";
        };
    }

    static ErrorCode code(int status) {
        return switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.ITEM_NOT_FOUND;
            case 429 -> ErrorCode.TOO_MANY_REQUESTS;
            case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
            default -> status < 500 ? ErrorCode.BAD_REQUEST_PARAMS : ErrorCode.GENERAL;
        };
    }
}
