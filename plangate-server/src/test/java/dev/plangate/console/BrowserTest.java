package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Frame;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;

import dev.plangate.support.ServerTest;

/**
 * A test of the console or the portal in a real browser: Debian's chromium, driven by
 * Playwright, against the whole server. The browser is launched once per test class (the
 * class is skipped when {@code /usr/bin/chromium} is missing) and closed after it. Tagged
 * {@code browser}: {@code -DexcludedGroups=browser} leaves these tests out,
 * {@code -Dgroups=browser} runs only them.
 */
@Tag("browser")
abstract class BrowserTest extends ServerTest {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final List<String> SERIOUS = List.of("serious", "critical");

	private static Playwright playwright;

	/** The browser of the running test class. */
	protected static Browser browser;

	@BeforeAll
	static void launch() {
		assumeTrue(Files.isExecutable(CHROMIUM), "the browser tests drive " + CHROMIUM + " (apt-get install chromium)");
		playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
				.setHeadless(true)
				.setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
						"--disable-component-update", "--disable-sync", "--no-first-run")));
	}

	@AfterAll
	static void close() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
		if (playwright != null) {
			playwright.close();
			playwright = null;
		}
	}

	/** The address of a path on the server under test. */
	protected String url(String path) {
		return "http://localhost:" + port + path;
	}

	/**
	 * Opens a path of the server in the page, as following a link from elsewhere does,
	 * and answers the main response. Chromium now and then aborts such a navigation
	 * ({@code net::ERR_ABORTED}) with no other navigation of the page's in sight; then
	 * the requests and frame navigations the page saw meanwhile are printed, for the
	 * test's report, and the address is opened once more. Any other failure, or a second
	 * abort, fails the test.
	 */
	protected Response open(Page page, String path) {
		var seen = new ArrayList<String>();
		Consumer<Request> requested = r -> seen.add("request " + r.method() + " " + r.url());
		Consumer<Request> failed = r -> seen.add("failed " + r.url() + ": " + r.failure());
		Consumer<Response> answered = r -> seen.add("response " + r.status() + " " + r.url());
		Consumer<Frame> navigated = f -> seen.add("frame navigated to " + f.url());
		page.onRequest(requested);
		page.onRequestFailed(failed);
		page.onResponse(answered);
		page.onFrameNavigated(navigated);
		try {
			return page.navigate(url(path));
		}
		catch (PlaywrightException ex) {
			if (!String.valueOf(ex.getMessage()).contains("net::ERR_ABORTED")) {
				throw ex;
			}
			System.out.println("Opening " + path + " was aborted (" + ex.getMessage().lines().findFirst().orElse("")
					+ "), the page at " + page.url() + "; what it saw meanwhile:");
			seen.forEach(line -> System.out.println("  " + line));
			return page.navigate(url(path));
		}
		finally {
			page.offRequest(requested);
			page.offRequestFailed(failed);
			page.offResponse(answered);
			page.offFrameNavigated(navigated);
		}
	}

	/**
	 * Signs an operator into the console, password then second factor, and waits for the
	 * overview.
	 */
	protected void signIn(Page page, Operators.Operator operator) {
		signIn(page, "/console/login", operator.email(), operator.password(), operator.nextCode());
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview")).waitFor();
	}

	/**
	 * Fills the sign-in form at the login path (the console's or the portal's), then the
	 * second factor's with the code.
	 */
	protected void signIn(Page page, String loginPath, String login, String password, String code) {
		open(page, loginPath);
		page.getByLabel("Email or username").fill(login);
		page.getByLabel("Password").fill(password);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
		page.getByLabel("Code of your authenticator app, or a recovery code").fill(code);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
	}

	/** Fails on any serious or critical violation axe-core finds on the page. */
	protected static void assertAccessible(Page page, String what) {
		var violations = new AxeBuilder(page).analyze()
			.getViolations()
			.stream()
			.filter(rule -> SERIOUS.contains(rule.getImpact()))
			.map(rule -> rule.getId() + ": " + rule.getHelp() + " "
					+ rule.getNodes().stream().map(n -> n.getHtml()).toList())
			.toList();
		assertThat(violations).as("serious or critical accessibility violations on the %s page", what).isEmpty();
	}

	/** A full-page screenshot into the folder, checked to be written. */
	protected static void screenshot(Page page, Path folder, String name) {
		var file = folder.resolve(name);
		page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
		assertThat(file).isNotEmptyFile();
	}

}
