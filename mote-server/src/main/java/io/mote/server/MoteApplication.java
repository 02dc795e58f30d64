package io.mote.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts Mote: the REST and WebSocket API, the device transports and the core, in one process. */
@SpringBootApplication(scanBasePackages = "io.mote")
public class MoteApplication {

    public static void main(String[] args) {
        SpringApplication.run(MoteApplication.class, args);
    }
}
