package dev.tern.tests.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through WebDriver, for the dashboard's browser tests: Debian's {@code chromium} and
 * {@code chromium-driver} (installed by {@code .ci/run}). The driver's path is given to Selenium, so Selenium
 * Manager never runs and nothing is downloaded. {@link #skipReason()} and {@link #assumeRunnable} skip the tests,
 * printing why, when the two are not installed, except where {@code BROWSER_TESTS=required} (CI, after
 * installing them) makes that a failure.
 */
public final class Browser implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(15);

    private static final Path CHROMIUM = Path.of(System.getProperty("tern.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("tern.chromedriver",
            "/usr/bin/chromedriver"));

    private final Path profile;
    private final ChromeDriver driver;

    private Browser(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** Why the browser tests cannot run here, or empty when they can. */
    public static Optional<String> unavailable() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM.toString());
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER.toString());
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", missing)
                + " not installed (apt-get install chromium chromium-driver)");
    }

    /**
     * For a test class's {@code @BeforeAll}: why its browser tests must be skipped here (Chromium missing), printed,
     * or null when they can run. Throws instead when CI requires the browser tests ({@code BROWSER_TESTS=
     * required}).
     */
    public static String skipReason() {
        Optional<String> reason = unavailable();
        if (reason.isPresent() && "required".equals(System.getenv("BROWSER_TESTS"))) {
            throw new AssertionError("BROWSER_TESTS=required, but " + reason.get());
        }
        reason.ifPresent(r -> System.err.println("SKIPPED browser tests: " + r));
        return reason.orElse(null);
    }

    /** For a test's {@code @BeforeEach}: skips the test when {@code reason} (from {@link #skipReason}) is set. */
    public static void assumeRunnable(String reason) {
        assumeTrue(reason == null, reason);
    }

    /** Quiet: Selenium looks for a DevTools binding of this Chromium's version, which the tests do not use. */
    private static final java.util.logging.Logger DEVTOOLS_LOG = quiet("org.openqa.selenium.devtools");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    /** Starts a fresh headless Chromium with an empty profile, a 1280x860 window and console logging. */
    public static Browser start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("tern-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,860", "--user-data-dir=" + profile);
        // confirm() dialogs stay open until the test answers them
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(profile, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits up to {@link #WAIT} for {@code condition} to return something other than null or false. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition);
    }

    /** Waits until the text of the element contains {@code fragment}; a timeout says what the text was. */
    public void awaitText(String css, String fragment) {
        new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                .withMessage(() -> "text of " + css + " to contain '" + fragment + "'; it is '" + textOf(css) + "'")
                .until(d -> textOf(css).contains(fragment));
    }

    private String textOf(String css) {
        List<WebElement> e = findAll(css);
        return e.isEmpty() ? "(no such element)" : e.get(0).getText();
    }

    /** Waits for the element to be displayed and returns it. */
    public WebElement awaitVisible(String css) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits for a confirm() dialog, accepts it and returns its text. */
    public String acceptConfirm() {
        var alert = await(ExpectedConditions.alertIsPresent());
        String text = alert.getText();
        alert.accept();
        return text;
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Runs {@code js}, whose last argument is a callback; returns what it is called with (30 s at most). */
    public Object asyncScript(String js, Object... args) {
        return driver.executeAsyncScript(js, args);
    }

    /** Replaces the text of an input. */
    public void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    /** Saves a PNG of the window to {@code file}. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The browser console's entries since the last call (errors, CSP violations, failed loads). */
    public List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; nothing to do
        }
    }
}
