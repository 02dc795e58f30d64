package io.mote.server.it.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} with its {@code chromium-driver}) shared by every browser
 * test in the JVM and closed when it exits. Tests are skipped where either is missing. Failed tests save a
 * screenshot under {@code target/console-screenshots}; with {@code -Dmote.console.screenshots=<dir>} the
 * named page screenshots for the docs are written there too.
 */
public final class Browser implements TestWatcher {

    private static final Path CHROMIUM = Path.of(env("MOTE_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(env("MOTE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static ChromeDriver shared;

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** The shared browser; skips the calling test when Chromium or its driver is not installed. */
    public static synchronized ChromeDriver driver() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "chromium and chromium-driver are not installed");
        if (shared == null) {
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1400,900", "--force-device-scale-factor=1", "--lang=en-US");
            shared = new ChromeDriver(service, options);
            shared.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            ChromeDriver d = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(d::quit));
        }
        return shared;
    }

    /** Waits up to a generous deadline (the machine may be busy) for a condition to hold. */
    public static <T> T await(WebDriver d, Function<WebDriver, T> condition) {
        return new WebDriverWait(d, Duration.ofSeconds(60), Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    public static WebElement awaitElement(WebDriver d, By by) {
        return await(d, x -> {
            List<WebElement> found = x.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /** Waits until an element's text contains {@code text}; answers that element. */
    public static WebElement awaitText(WebDriver d, By by, String text) {
        return await(d, x -> {
            for (WebElement e : x.findElements(by)) {
                if (e.getText().contains(text)) {
                    return e;
                }
            }
            return null;
        });
    }

    /** Follows a console route inside the signed-in page (a new page load would sign out). */
    public static void go(WebDriver d, String route) {
        js(d, "location.hash = arguments[0]", "#/" + route);
    }

    public static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    /**
     * Opens the console afresh and signs in. Tokens live in the page's memory, so loading the page again
     * (a new query string) is a sign-out.
     */
    public static void signIn(WebDriver d, String base, String email, String password) {
        d.get(base + "/?session=" + System.nanoTime());
        WebElement user = awaitElement(d, By.id("username"));
        user.sendKeys(email);
        d.findElement(By.id("password")).sendKeys(password);
        d.findElement(By.id("signin")).click();
        awaitText(d, By.id("who"), email);
    }

    /** Saves a screenshot of the page for the docs when {@code mote.console.screenshots} names a folder. */
    public static void docShot(WebDriver d, String name) {
        String dir = System.getProperty("mote.console.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        save(d, Path.of(dir).resolve(name + ".png"));
    }

    private static void save(WebDriver d, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((ChromeDriver) d).getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + file + " failed: " + e);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (shared != null) {
            save(shared, Path.of("target", "console-screenshots",
                    context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName() + ".png"));
        }
    }
}
