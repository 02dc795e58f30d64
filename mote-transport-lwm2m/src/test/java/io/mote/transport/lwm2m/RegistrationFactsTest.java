package io.mote.transport.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class RegistrationFactsTest {

    private static String address(String ip, int port) throws Exception {
        return RegistrationFacts.address(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void ipv4IsHostAndPort() throws Exception {
        assertThat(address("192.0.2.1", 5683)).isEqualTo("192.0.2.1:5683");
    }

    @Test
    void ipv6IsBracketedAndCompressedAsRfc5952Says() throws Exception {
        assertThat(address("0:0:0:0:0:0:0:1", 56830)).isEqualTo("[::1]:56830");
        assertThat(address("::", 1)).isEqualTo("[::]:1");
        assertThat(address("1:0:0:0:0:0:0:0", 1)).isEqualTo("[1::]:1");
        assertThat(address("2001:DB8:0:0:0:0:2:1", 5683)).isEqualTo("[2001:db8::2:1]:5683");
        // the longest run of zeros is compressed, the first of two equal runs, a lone zero never
        assertThat(address("2001:db8:0:0:1:0:0:0", 5683)).isEqualTo("[2001:db8:0:0:1::]:5683");
        assertThat(address("2001:db8:0:0:1:0:0:1", 5683)).isEqualTo("[2001:db8::1:0:0:1]:5683");
        assertThat(address("2001:db8:0:1:1:1:1:1", 5683)).isEqualTo("[2001:db8:0:1:1:1:1:1]:5683");
        assertThat(address("fe80:0:0:0:0:0:0:1%1", 5683)).isEqualTo("[fe80::1]:5683");
    }
}
