package io.mote.core.security;

/** The login answer: an access token and a refresh token. */
public record JwtPair(String token, String refreshToken) {
}
