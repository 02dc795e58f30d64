package io.mote.server.it.console;

import static io.mote.server.it.console.Browser.await;
import static io.mote.server.it.console.Browser.awaitElement;
import static io.mote.server.it.console.Browser.awaitText;
import static io.mote.server.it.console.Browser.js;
import static io.mote.server.it.console.Browser.signIn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Measurements of the console, read from the browser's performance timings: page load and first render
 * of the device list with many devices, and the latency from a device's message to the page showing it.
 * Runs only when asked ({@code -Dmote.console.bench=<devices>}, see mote-bench/console-load.sh); it
 * prints numbers and asserts none.
 */
@ExtendWith(Browser.class)
class ConsoleBench {

    @Test
    void deviceListAndLiveUpdateTimings() throws Exception {
        String n = System.getProperty("mote.console.bench");
        Assumptions.assumeTrue(n != null && !n.isBlank(), "benchmark runs only with -Dmote.console.bench");
        int devices = Integer.parseInt(n);
        TestServer server = TestServer.shared();
        ChromeDriver d = Browser.driver();
        Api tenant = server.api().newTenant();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> created = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            int k = i;
            created.add(pool.submit(() -> tenant.createDevice(String.format("bench-%05d", k), "bench-" + UUID.randomUUID())));
        }
        for (Future<?> f : created) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("BENCH created %d devices in %.1f s%n", devices, (System.nanoTime() - t0) / 1e9);
        String email = tenant.get("/api/auth/user").ok().get("email").asString();

        double[] load = new double[5];
        double[] dcl = new double[5];
        double[] list = new double[5];
        for (int run = 0; run < 5; run++) {
            signIn(d, server.baseUrl(), email, "secret-pw");
            // The counter sits in the table's toolbar, beside the table (not inside #devices).
            awaitText(d, By.cssSelector("main .tablewrap .pageinfo"), devices + " · page 1");
            @SuppressWarnings("unchecked")
            Map<String, Object> nav = (Map<String, Object>) js(d,
                    "const n = performance.getEntriesByType('navigation')[0]; return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd};");
            load[run] = ((Number) nav.get("load")).doubleValue();
            dcl[run] = ((Number) nav.get("dcl")).doubleValue();
            // From the route starting (right after sign-in) to the first page of rows on screen.
            list[run] = ((Number) js(d, "const r = performance.getEntriesByName('mote:route:devices').at(-1);"
                    + " const m = performance.getEntriesByName('mote:rendered:devices').find(e => e.startTime >= r.startTime);"
                    + " return m.startTime - r.startTime;")).doubleValue();
        }
        System.out.printf("BENCH page load (loadEventEnd) ms: %s%n", Arrays.toString(load));
        System.out.printf("BENCH DOMContentLoaded ms: %s%n", Arrays.toString(dcl));
        System.out.printf("BENCH device list first render after sign-in ms (%d devices, 20 a page): %s%n", devices, Arrays.toString(list));

        // Live update latency: device message sent (HTTP device API) → value shown by the page.
        String token = "bench-live-" + UUID.randomUUID();
        String id = Api.id(tenant.createDevice("bench-live", token));
        Browser.go(d, "devices/" + id);
        awaitElement(d, By.id("latest-telemetry"));
        Api anon = server.api().withoutToken();
        anon.post("/api/v1/" + token + "/telemetry", Json.object().put("seq", 0)).ok();
        awaitText(d, By.cssSelector("#latest-telemetry tr[data-key=seq] td.val"), "0");
        js(d, "window.__seen = {}; const cell = document.querySelector('#latest-telemetry tr[data-key=seq] td.val');"
                + " new MutationObserver(() => { window.__seen[cell.textContent] = performance.timeOrigin + performance.now(); })"
                + ".observe(cell, {childList: true, characterData: true, subtree: true});");
        int samples = 50;
        double[] latency = new double[samples];
        for (int i = 1; i <= samples; i++) {
            long sent = System.currentTimeMillis();
            anon.post("/api/v1/" + token + "/telemetry", Json.object().put("seq", i)).ok();
            String v = String.valueOf(i);
            Object seen = await(d, x -> js(x, "return window.__seen[arguments[0]] || null", v));
            latency[i - 1] = ((Number) seen).doubleValue() - sent;
            Thread.sleep(100);
        }
        Arrays.sort(latency);
        System.out.printf("BENCH live update latency ms over %d messages: median %.1f, p95 %.1f, max %.1f%n", samples,
                latency[samples / 2], latency[(int) (samples * 0.95)], latency[samples - 1]);
    }
}
