package io.mote.server.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.json.Json;

/**
 * The servlet container's error path ({@code /error}: a filter or the container refused a request before a
 * controller saw it) answers Mote's JSON error body, like every other error, instead of Spring Boot's own.
 */
@RestController
public class ErrorPathController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(Json.errorBody(status, JsonErrorReportValve.message(status),
                        JsonErrorReportValve.code(status).code())));
    }
}
