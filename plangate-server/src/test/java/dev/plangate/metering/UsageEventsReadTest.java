package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading back recorded usage events: newest first in pages that cover every event once
 * while new ones arrive, filters by feature and time, what each event shows, end users
 * see their own customer's events only, and bad input is a clear 400 or 404.
 */
@FreshSchema
@Import(UsageEventsReadTest.Clocks.class)
class UsageEventsReadTest extends ServerTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant NOON = Instant.parse("2027-04-11T12:30:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(NOON);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_events_read");
	}

	@Autowired
	private MovableClock clock;

	private static String event(String id, String customerId, String feature, long amount, String timestamp,
			Map<String, Object> properties) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("customerId", customerId);
		event.put("feature", feature);
		event.put("amount", amount);
		event.put("timestamp", timestamp);
		if (!properties.isEmpty()) {
			event.put("properties", properties);
		}
		return Api.json(event);
	}

	private static String event(String id, String customerId, long amount, String timestamp) {
		return event(id, customerId, "api_calls", amount, timestamp, Map.of());
	}

	private void record(List<String> events) {
		var response = api.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private JsonNode events(String customer, String query) {
		var response = api.get("/v1/customers/" + Api.encode(customer) + "/usage/events?" + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static List<String> ids(JsonNode page) {
		var ids = new ArrayList<String>();
		page.path("data").forEach(e -> ids.add(e.path("id").asString()));
		return ids;
	}

	@Test
	void eachEventShowsWhatTheLedgerHolds() {
		// given
		clock.set(NOON);
		var customer = newCustomer("events-show");
		record(List.of(event("sent", customer, "api_calls", 5, "2027-04-11T10:15:00Z", Map.of("region", "eu"))));
		assertThat(GrantCalls.consume(api, customer, 2, "consumed").status()).isEqualTo(200);

		// when
		var page = events(customer, "");

		// then: newest first
		assertThat(ids(page)).containsExactly("consumed", "sent");
		var consumed = page.path("data").get(0);
		assertThat(consumed.path("source").asString()).isEqualTo("consume");
		assertThat(consumed.path("amount").asLong()).isEqualTo(2);
		assertThat(consumed.path("occurredAt").asString()).isEqualTo("2027-04-11T12:30:00Z");
		assertThat(consumed.has("properties")).isFalse();
		var sent = page.path("data").get(1);
		assertThat(sent.path("source").asString()).isEqualTo("usage-events");
		assertThat(sent.path("feature").asString()).isEqualTo("api_calls");
		assertThat(sent.path("amount").asLong()).isEqualTo(5);
		assertThat(sent.path("occurredAt").asString()).isEqualTo("2027-04-11T10:15:00Z");
		assertThat(sent.path("recordedAt").asString()).isEqualTo("2027-04-11T12:30:00Z");
		assertThat(sent.path("properties").path("region").asString()).isEqualTo("eu");
		assertThat(sent.has("overage")).isFalse();
		assertThat(page.has("nextCursor")).isFalse();
	}

	@Test
	void pagesCoverEveryEventOnceWhileNewOnesArrive() {
		// given: 230 events
		clock.set(NOON);
		var customer = newCustomer("events-pages");
		var before = new ArrayList<String>();
		for (int i = 0; i < 230; i++) {
			before.add(event("old-" + i, customer, 1, "2027-04-11T11:00:00Z"));
		}
		record(before);

		// when: reading pages of 50, with 7 new events recorded after each page
		var seen = new ArrayList<String>();
		String cursor = null;
		int pages = 0;
		do {
			var page = events(customer, "limit=50" + (cursor == null ? "" : "&cursor=" + cursor));
			seen.addAll(ids(page));
			cursor = page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asString();
			var arriving = new ArrayList<String>();
			for (int i = 0; i < 7; i++) {
				arriving.add(event("new-" + pages + "-" + i, customer, 1, "2027-04-11T12:00:00Z"));
			}
			record(arriving);
			pages++;
		}
		while (cursor != null);

		// then: every old event once, newest first, none of the new ones
		assertThat(pages).isEqualTo(5);
		assertThat(seen).hasSize(230).doesNotHaveDuplicates();
		assertThat(new HashSet<>(seen)).hasSize(230).allMatch(id -> id.startsWith("old-"));
		assertThat(seen.get(0)).isEqualTo("old-229");
		assertThat(seen.get(229)).isEqualTo("old-0");
	}

	@Test
	void filtersByFeatureAndWhenTheUsageOccurred() {
		// given
		clock.set(NOON);
		var customer = newCustomer("events-filter");
		record(List.of(event("a", customer, 1, "2027-04-11T09:00:00Z"), event("b", customer, 1, "2027-04-11T10:00:00Z"),
				event("c", customer, 1, "2027-04-11T11:00:00Z"),
				event("s", customer, "seats", 1, "2027-04-11T10:30:00Z", Map.of())));

		// when
		var byFeature = events(customer, "feature=seats");
		var byTime = events(customer, "from=2027-04-11T10:00:00Z&to=2027-04-11T11:00:00Z");
		var byDate = events(customer, "feature=api_calls&from=2027-04-11&to=2027-04-12&limit=2");

		// then
		assertThat(ids(byFeature)).containsExactly("s");
		assertThat(ids(byTime)).containsExactly("s", "b");
		assertThat(ids(byDate)).containsExactly("c", "b");
		assertThat(ids(events(customer, "feature=api_calls&from=2027-04-11&to=2027-04-12&limit=2&cursor="
				+ byDate.path("nextCursor").asString())))
			.containsExactly("a");
	}

	@Test
	void anEndUserReadsItsOwnCustomersEventsOnly() {
		// given
		clock.set(NOON);
		var mine = newCustomer("events-mine");
		var other = newCustomer("events-other");
		record(List.of(event("m", mine, 2, "2027-04-11T10:00:00Z"), event("o", other, 3, "2027-04-11T10:00:00Z")));
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", mine)));
		assertThat(token.status()).as(token.toString()).isEqualTo(201);
		var me = api.withKey(token.body().path("token").asString());

		// when
		var own = me.get("/v1/me/usage/events");
		var others = me.get("/v1/customers/" + other + "/usage/events");
		var asServer = api.get("/v1/me/usage/events");

		// then
		assertThat(own.status()).as(own.toString()).isEqualTo(200);
		assertThat(ids(own.body())).containsExactly("m");
		assertThat(others.status()).isEqualTo(403);
		assertThat(asServer.status()).isEqualTo(403);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			from=2027-04-12&to=2027-04-11        | from
			from=2027-04-11&to=2027-04-11        | from
			from=yesterday                       | from
			to=2027-04-11T10:00:00               | to
			cursor=nonsense!                     | cursor
			cursor=AAAA                          | cursor
			limit=0                              | limit
			limit=501                            | limit
			""")
	void badInputIsAClearProblem(String query, String field) {
		// given
		var customer = newCustomer("events-bad");

		// when
		var response = api.get("/v1/customers/" + customer + "/usage/events?" + query);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@Test
	void unknownCustomerOrFeatureIsNotFound() {
		// given
		var customer = newCustomer("events-404");

		// when
		var noCustomer = api.get("/v1/customers/nobody-" + customer + "/usage/events");
		var noFeature = api.get("/v1/customers/" + customer + "/usage/events?feature=no_such_feature");

		// then
		assertThat(noCustomer.status()).isEqualTo(404);
		assertThat(noCustomer.code()).isEqualTo("customer_not_found");
		assertThat(noFeature.status()).isEqualTo(404);
		assertThat(noFeature.code()).isEqualTo("feature_not_found");
	}

	@Autowired
	private UsageEventExport export;

	private void recordMany(String customer, int count) {
		for (int first = 0; first < count; first += 10_000) {
			var batch = new ArrayList<String>();
			for (int i = first; i < Math.min(count, first + 10_000); i++) {
				var at = Instant.parse("2027-04-11T00:00:00Z").plusSeconds(i).toString();
				batch.add(event("e" + i, customer, "api_calls", 1 + i % 3, at,
						i == 7 ? Map.of("note", "a,\"b\"\nc") : Map.of()));
			}
			record(batch);
		}
	}

	@Test
	void anExportOfManyEventsIsCompleteOrderedAndParseableInBothFormats() {
		// given: 20,000 events, one second apart, one with properties that need quoting
		clock.set(NOON);
		var customer = newCustomer("events-export");
		recordMany(customer, 20_000);
		var path = "/v1/customers/" + customer + "/usage/events/export?from=2027-04-11&to=2027-04-12";

		// when
		var ndjson = api.get(path + "&format=ndjson");
		var csv = api.send("GET", path, null, Map.of("Accept", "text/csv"));

		// then: NDJSON, one event a line, oldest first
		assertThat(ndjson.status()).as(ndjson.toString()).isEqualTo(200);
		assertThat(ndjson.header("Content-Type")).startsWith("application/x-ndjson");
		var lines = ndjson.text().split("\n");
		assertThat(lines).hasSize(20_000);
		for (int i = 0; i < lines.length; i++) {
			var event = JSON.readTree(lines[i]);
			assertThat(event.path("id").asString()).isEqualTo("e" + i);
			assertThat(event.path("amount").asLong()).isEqualTo(1 + i % 3);
		}
		assertThat(JSON.readTree(lines[7]).path("properties").path("note").asString()).isEqualTo("a,\"b\"\nc");

		// then: CSV with a header row, the same events, quoted where needed
		assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
		assertThat(csv.header("Content-Type")).startsWith("text/csv");
		var records = parseCsv(csv.text());
		assertThat(records).hasSize(20_001);
		assertThat(records.get(0)).containsExactly("id", "feature", "amount", "occurredAt", "recordedAt", "source",
				"overage", "properties");
		for (int i = 0; i < 20_000; i++) {
			var record = records.get(i + 1);
			assertThat(record).hasSize(8);
			assertThat(record.get(0)).isEqualTo("e" + i);
			assertThat(record.get(2)).isEqualTo(Long.toString(1 + i % 3));
			assertThat(record.get(3)).isEqualTo(Instant.parse("2027-04-11T00:00:00Z").plusSeconds(i).toString());
			assertThat(record.get(5)).isEqualTo("usage-events");
		}
		assertThat(JSON.readTree(records.get(8).get(7)).path("note").asString()).isEqualTo("a,\"b\"\nc");
	}

	@Test
	void anExportWritesRowsWhileItReadsThem() {
		// given
		clock.set(NOON);
		var customer = newCustomer("events-stream");
		recordMany(customer, 5_000);
		var request = export.check(customer, null, "2027-04-11", "2027-04-12", "ndjson", null);
		var sink = new FirstWriteSink();

		// when
		export.write(request, sink);

		// then: the first bytes left while the rows were still being read, long before
		// the whole export was written
		assertThat(sink.firstWriteInRowLoop).isTrue();
		assertThat(sink.bytesBeforeFirstWrite).isZero();
		assertThat(sink.text().split("\n")).hasSize(5_000);
		assertThat(sink.firstWriteSize).isLessThan(sink.size() / 10);
	}

	/** Remembers whether its first bytes came from inside the loop over the rows. */
	private static final class FirstWriteSink extends java.io.ByteArrayOutputStream {

		boolean firstWriteInRowLoop;

		int bytesBeforeFirstWrite = -1;

		int firstWriteSize;

		@Override
		public synchronized void write(byte[] b, int off, int len) {
			if (bytesBeforeFirstWrite < 0) {
				bytesBeforeFirstWrite = size();
				firstWriteSize = len;
				firstWriteInRowLoop = java.util.Arrays.stream(Thread.currentThread().getStackTrace())
					.anyMatch(frame -> frame.getMethodName().equals("processRow"));
			}
			super.write(b, off, len);
		}

		String text() {
			return toString(java.nio.charset.StandardCharsets.UTF_8);
		}

	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			to=2027-04-12                                 | from
			from=2027-04-11                               | to
			from=2027-04-12&to=2027-04-11                 | from
			from=2026-04-11&to=2027-04-13                 | from
			from=2027-04-11&to=2027-04-12&format=xml      | format
			from=nonsense&to=2027-04-12                   | from
			""")
	void badExportInputIsAClearProblem(String query, String field) {
		// given
		var customer = newCustomer("export-bad");

		// when
		var response = api.send("GET", "/v1/customers/" + customer + "/usage/events/export?" + query, null,
				Map.of("Accept", "text/csv"));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@Test
	void anExportOfAnUnknownCustomerOrFeatureIsNotFound() {
		// given
		var customer = newCustomer("export-404");
		var range = "from=2027-04-11&to=2027-04-12";

		// when
		var noCustomer = api.get("/v1/customers/nobody-" + customer + "/usage/events/export?" + range);
		var noFeature = api.get("/v1/customers/" + customer + "/usage/events/export?feature=nope&" + range);

		// then
		assertThat(noCustomer.status()).isEqualTo(404);
		assertThat(noCustomer.code()).isEqualTo("customer_not_found");
		assertThat(noFeature.status()).isEqualTo(404);
		assertThat(noFeature.code()).isEqualTo("feature_not_found");
	}

	/**
	 * RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
	 */
	private static List<List<String>> parseCsv(String text) {
		var records = new ArrayList<List<String>>();
		var record = new ArrayList<String>();
		var field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else if (c == '"') {
					quoted = false;
				}
				else {
					field.append(c);
				}
			}
			else if (c == '"') {
				quoted = true;
			}
			else if (c == ',') {
				record.add(field.toString());
				field.setLength(0);
			}
			else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
				record.add(field.toString());
				field.setLength(0);
				records.add(record);
				record = new ArrayList<>();
				i++;
			}
			else {
				field.append(c);
			}
		}
		assertThat(field).isEmpty();
		assertThat(record).isEmpty();
		return records;
	}

}
