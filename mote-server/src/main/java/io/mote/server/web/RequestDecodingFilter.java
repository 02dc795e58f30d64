package io.mote.server.web;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import io.mote.common.error.ErrorCode;
import io.mote.common.json.Json;

/**
 * Refuses, before anything reads the request, what cannot be decoded: a content type declaring a charset
 * the JVM cannot name or does not know ({@code charset=}, {@code charset=nope}: 415), and query or form
 * parameters whose percent-encoding is broken ({@code ?chunk=%zz}) or that have no name ({@code ?=x}: 400). Spring decodes the path in the
 * declared charset on some paths (error answers among them), and Tomcat throws on a broken parameter when
 * the request mapping first reads one; both surfaced as 500s.
 */
public class RequestDecodingFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String charset = request.getCharacterEncoding();
        if (charset != null && !known(charset)) {
            String shown = charset.length() > 40 ? charset.substring(0, 40) + "..." : charset;
            refuse(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Charset '" + shown + "' is not supported; send UTF-8");
            return;
        }
        if (!decodes(request.getQueryString()) || !formDecodes(request)) {
            refuse(response, ErrorCode.BAD_REQUEST_PARAMS,
                    "A request parameter is malformed (not validly percent-encoded, or without a name)");
            return;
        }
        chain.doFilter(request, response);
    }

    /** A form body is parsed with the parameters; a multipart one is left for after authentication. */
    private static boolean formDecodes(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return true;
        }
        try {
            request.getParameterMap();
            return true;
        } catch (InvalidParameterException e) {
            return false;
        }
    }

    /**
     * Whether every parameter has a name (Tomcat refuses {@code =x}), and every {@code %xx} is two hex digits
     * and the bytes they make are UTF-8, as Tomcat decodes a query.
     */
    static boolean decodes(String query) {
        if (query == null) {
            return true;
        }
        if (query.startsWith("=") || query.contains("&=")) {
            return false;
        }
        if (query.indexOf('%') < 0) {
            return true;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(query.length());
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return false;
                }
                bytes.write(Integer.parseInt(query.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static boolean known(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        response.setStatus(code.httpStatus());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(Json.write(Json.errorBody(code.httpStatus(), message, code.code()))
                .getBytes(StandardCharsets.UTF_8));
    }
}
