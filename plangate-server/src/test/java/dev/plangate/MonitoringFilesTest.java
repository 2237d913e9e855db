package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Grafana dashboard ({@code ops/grafana/plangate-dashboard.json}) and the Prometheus
 * alerting rules ({@code ops/prometheus/plangate-rules.yml}) name only metrics this
 * server exports: every metric in their PromQL is a sample name in a scrape of
 * {@code /actuator/prometheus} taken after the server has decided, recorded and counted a
 * little, so that a metric renamed or dropped breaks the build instead of an operator's
 * dashboard. ({@code promtool check rules} and {@code promtool test rules} check the
 * rules themselves, in CI.)
 */
class MonitoringFilesTest extends ServerTest {

	/** Series Prometheus makes itself, not read from the server. */
	private static final Set<String> FROM_PROMETHEUS = Set.of("up");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
			"group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

	private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

	private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");

	private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern TOKEN = Pattern.compile("(\\d[\\w.]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)");

	/**
	 * The metric names a PromQL expression reads: its identifiers, leaving out functions
	 * and aggregations (followed by a parenthesis), label names and values, ranges,
	 * numbers, durations and keywords.
	 */
	static Set<String> metricNames(String promql) {
		var text = STRINGS.matcher(promql).replaceAll(" ");
		text = MATCHERS.matcher(text).replaceAll(" ");
		text = RANGES.matcher(text).replaceAll(" ");
		text = GROUPING.matcher(text).replaceAll(" ");
		var names = new TreeSet<String>();
		var tokens = TOKEN.matcher(text);
		while (tokens.find()) {
			var name = tokens.group(2);
			if (name == null || KEYWORDS.contains(name.toLowerCase())) {
				continue;
			}
			int next = tokens.end();
			while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
				next++;
			}
			if (next < text.length() && text.charAt(next) == '(') {
				continue;
			}
			names.add(name);
		}
		return names;
	}

	@Test
	void metricNamesAreTheIdentifiersOfAnExpressionThatAreNotFunctionsOrLabels() {
		assertThat(metricNames("histogram_quantile(0.99, sum by (le, kind) "
				+ "(rate(plangate_decision_seconds_bucket{kind=~\"check|consume\"}[$__rate_interval])))"))
			.containsExactly("plangate_decision_seconds_bucket");
		assertThat(metricNames("sum(rate(a_total{code=\"x y\"}[5m] offset 1h)) / on (instance) group_left (le) "
				+ "sum without (job) (b_count) > 0.5 and c unless d_sum > bool 1e3"))
			.containsExactly("a_total", "b_count", "c", "d_sum");
	}

	@Test
	void everyMetricTheDashboardAndTheRulesNameIsExported() throws IOException {
		// given what the dashboard and the rules query
		var expressions = new ArrayList<String>();
		expressions.addAll(dashboardExpressions());
		expressions.addAll(ruleExpressions());
		var named = new TreeSet<String>();
		expressions.forEach(e -> named.addAll(metricNames(e)));
		named.removeAll(FROM_PROMETHEUS);
		assertThat(named).as("metrics named in ops/").hasSizeGreaterThan(15);

		// when the server has decided, recorded and counted a little
		exerciseTheServer();

		// then every one of them is a sample in a scrape
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(250))
			.untilAsserted(
					() -> assertThat(Scrape.of(api).names()).as("samples of /actuator/prometheus").containsAll(named));
	}

	@Test
	void theDashboardTakesItsDataSourceAsAVariable() throws IOException {
		var dashboard = json(repositoryRoot().resolve("ops/grafana/plangate-dashboard.json"));

		assertThat(dashboard.path("templating").path("list").valueStream()).anySatisfy(v -> assertThat(
				v.path("name").asString() + " " + v.path("type").asString() + " " + v.path("query").asString())
			.isEqualTo("datasource datasource prometheus"));
		var panels = dashboard.path("panels")
			.valueStream()
			.filter(p -> !p.path("type").asString().equals("row"))
			.toList();
		assertThat(panels).isNotEmpty()
			.allSatisfy(p -> assertThat(p.path("datasource").path("uid").asString()).isEqualTo("${datasource}"))
			.allSatisfy(p -> assertThat(p.path("targets").valueStream()).isNotEmpty()
				.allSatisfy(t -> assertThat(t.path("datasource").path("uid").asString()).isEqualTo("${datasource}")));
	}

	@Test
	void everyAlertWaitsAndSaysHowBadAndWhat() throws IOException {
		var rules = rules();

		assertThat(rules).hasSizeGreaterThanOrEqualTo(6).allSatisfy(rule -> {
			assertThat(rule.path("alert").asString()).startsWith("Plangate");
			assertThat(rule.path("for").asString()).as(rule.path("alert").asString()).matches("\\d+[smh]");
			assertThat(rule.path("labels").path("severity").asString()).isIn("warning", "critical");
			assertThat(rule.path("annotations").path("summary").asString()).isNotBlank();
			assertThat(rule.path("annotations").path("description").asString()).isNotBlank();
		});
	}

	private void exerciseTheServer() {
		var customer = newCustomer("monitoring");
		post("/v1/check", Map.of("customerId", customer, "feature", "api_access"), 200);
		post("/v1/consume", Map.of("customerId", customer, "feature", "api_calls"), 200);
		post("/v1/consume", Map.of("customerId", customer, "feature", "sso"), 402);
		post("/v1/consume", Map.of("customerId", customer, "feature", "api_rate"), 200);
		post("/v1/leases", Map.of("customerId", customer, "feature", "concurrent_jobs"), 201);
	}

	private void post(String path, Map<String, Object> body, int status) {
		var response = api.post(path, Api.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
	}

	private static List<String> dashboardExpressions() throws IOException {
		var expressions = new ArrayList<String>();
		collect(json(repositoryRoot().resolve("ops/grafana/plangate-dashboard.json")), "expr", expressions);
		assertThat(expressions).as("the dashboard's queries").isNotEmpty();
		return expressions;
	}

	private static List<String> ruleExpressions() throws IOException {
		return rules().stream().map(rule -> rule.path("expr").asString()).toList();
	}

	private static List<JsonNode> rules() throws IOException {
		var rules = new ArrayList<JsonNode>();
		var file = YAMLMapper.builder()
			.build()
			.readTree(repositoryRoot().resolve("ops/prometheus/plangate-rules.yml").toFile());
		file.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
		return rules;
	}

	private static void collect(JsonNode node, String field, List<String> into) {
		if (node.isObject()) {
			node.properties().forEach(entry -> {
				if (entry.getKey().equals(field) && entry.getValue().isString()) {
					into.add(entry.getValue().asString());
				}
				else {
					collect(entry.getValue(), field, into);
				}
			});
		}
		else if (node.isArray()) {
			node.forEach(child -> collect(child, field, into));
		}
	}

	private static JsonNode json(Path file) throws IOException {
		return JsonMapper.builder().build().readTree(file.toFile());
	}

	/** The folder holding {@code mvnw}, found upwards from the server's classes. */
	private static Path repositoryRoot() {
		Path classes;
		try {
			classes = Path.of(PlangateApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
		for (Path dir = classes; dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("ops"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no mvnw and ops/ above " + classes);
	}

}
