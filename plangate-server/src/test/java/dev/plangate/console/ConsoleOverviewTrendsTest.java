package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The overview's trend sections over plain HTTP: the last 24 hours' decisions and top
 * refusals, and sign-ups and churn by week or month, each with its table, drawn by a
 * script of the console's own.
 */
class ConsoleOverviewTrendsTest extends ServerTest {

	private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>");

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void aSupportOperatorSeesDecisionsTopRefusalsAndSignUpsWithTheirTables() throws InterruptedException {
		// given: a refused check (a feature not in the free plan), flushed within seconds
		var support = Operators.create(anonymous, jdbc, "console-trends", "support", true, clock);
		var customer = newCustomer("console-trends");
		var check = api.post("/v1/check", Api.json(Map.of("customerId", customer, "feature", "advanced_analytics")));
		assertThat(check.body().path("allowed").asBoolean()).as(check.toString()).isFalse();
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);

		// when: the overview, until the refusal is flushed (every 5 seconds by default)
		var page = browser.get("/console");
		for (int i = 0; i < 60 && !refusalsTable(page.body()).contains("advanced_analytics"); i++) {
			Thread.sleep(250);
			page = browser.get("/console");
		}
		var byMonth = browser.get("/console?growth=month");

		// then
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body()).contains("<h2 id=\"decisions-heading\">Decisions, last 24 hours</h2>",
				"id=\"decisions-chart\"", "id=\"decisions-table\"", "Top refusals by feature and code",
				"GET /v1/admin/stats/decisions", "Sign-ups and churn, last 12 weeks", "id=\"growth-chart\"",
				"id=\"growth-table\"", "GET /v1/admin/stats/customers", "/console/assets/overview-trends.js");
		var refusals = refusalsTable(page.body());
		assertThat(refusals).contains("advanced_analytics", "<code>feature_not_in_plan</code>");
		assertThat(rows(page.body(), "decisions-table")).as("an hour a row: the last 24 and the current one")
			.isEqualTo(25);
		assertThat(rows(page.body(), "growth-table")).as("the last 12 weeks").isEqualTo(12);
		assertThat(page.body()).contains("aria-label=\"Decisions per hour over the last 24 hours");
		assertThat(INLINE_SCRIPT.matcher(page.body()).find()).isFalse();
		assertThat(page.body()).as("no revenue from invoices without a payment provider nor invoices")
			.doesNotContain("revenue-heading", "Invoiced, last 30 days");
		var revenue = api.get("/v1/admin/stats/revenue").body();
		assertThat(revenue.path("provider").asString()).isEqualTo("none");
		assertThat(revenue.path("invoices").asBoolean()).isFalse();
		assertThat(revenue.path("months").size()).isEqualTo(12);
		assertThat(revenue.path("lastThirtyDays").path("paid")).isEmpty();

		assertThat(byMonth.status()).isEqualTo(200);
		assertThat(byMonth.body()).contains("Sign-ups and churn, last 12 months", "<th scope=\"col\">Month</th>");
		assertThat(rows(byMonth.body(), "growth-table")).as("the last 12 months").isEqualTo(12);
		var script = browser.get("/console/assets/overview-trends.js");
		assertThat(script.status()).isEqualTo(200);
		assertThat(script.body()).contains("decisions-chart", "growth-chart");
	}

	private static String refusalsTable(String page) {
		return table(page, "refusals-table");
	}

	private static String table(String page, String id) {
		int start = page.indexOf("<table id=\"" + id + "\"");
		assertThat(start).as("table %s in the page", id).isNotNegative();
		return page.substring(start, page.indexOf("</table>", start));
	}

	private static int rows(String page, String id) {
		var body = table(page, id);
		body = body.substring(body.indexOf("<tbody>"));
		return body.split("<tr>", -1).length - 1;
	}

}
