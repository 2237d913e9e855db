package dev.plangate.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * PUT/GET/list/suspend/activate/delete of customers over HTTP, every refusal included.
 */
class CustomersApiTest extends ServerTest {

	private static String path(String id) {
		return "/v1/customers/" + Api.encode(id);
	}

	/**
	 * A token no other customer's id, name or email contains, to scope searches to one
	 * test's customers.
	 */
	private static String token() {
		return "tk" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private Api.Response put(String id, String body) {
		return api.put(path(id), body);
	}

	private JsonNode read(String id) {
		var response = api.get(path(id));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private void assertNotCreated(String id) {
		var response = api.get(path(id));
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("customer_not_found");
	}

	private static void assertInvalid(Api.Response response, String code, String field) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo(code);
		assertThat(response.body().path("errors").findValuesAsString("field")).as(response.toString()).contains(field);
	}

	private List<String> listIds(String query) {
		var response = api.get("/v1/customers?" + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var ids = new ArrayList<String>();
		response.body().path("data").forEach(c -> ids.add(c.path("id").asString()));
		return ids;
	}

	private static String q(String text) {
		return "q=" + Api.encode(text);
	}

	@Nested
	class CreateAndUpdate {

		@Test
		void firstPutCreatesTheCustomer() {
			// given
			var id = uniqueId("create");

			// when
			var response = put(id, """
					{"kind":"organization","name":"Acme","email":"ops@acme.test","region":"eu-west-1",
					 "metadata":{"crm":"A-1","tier":3}}""");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			var body = response.body();
			assertThat(body.path("id").asString()).isEqualTo(id);
			assertThat(body.path("kind").asString()).isEqualTo("organization");
			assertThat(body.path("name").asString()).isEqualTo("Acme");
			assertThat(body.path("email").asString()).isEqualTo("ops@acme.test");
			assertThat(body.path("region").asString()).isEqualTo("eu-west-1");
			assertThat(body.path("status").asString()).isEqualTo("active");
			assertThat(body.path("metadata").path("crm").asString()).isEqualTo("A-1");
			assertThat(body.path("metadata").path("tier").asInt()).isEqualTo(3);
			assertThat(body.path("createdAt").isMissingNode()).isFalse();
			assertThat(body.has("deletedAt")).isFalse();
			var stored = read(id);
			assertThat(stored.path("name").asString()).isEqualTo("Acme");
			assertThat(stored.path("kind").asString()).isEqualTo("organization");
		}

		@Test
		void createdAnswerShowsWhatIsStored() {
			// given
			var id = uniqueId("stored");

			// when
			var created = put(id, "{\"name\":\"Stored\"}");

			// then: a client that keeps the 201 answer holds the same customer a later
			// read gives
			assertThat(created.status()).isEqualTo(201);
			assertThat(read(id)).isEqualTo(created.body());
		}

		@Test
		void customerIsAUserUnlessToldOtherwise() {
			// given
			var id = uniqueId("kindless");

			// when
			var response = put(id, "{}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			assertThat(response.body().path("kind").asString()).isEqualTo("user");
			assertThat(response.body().path("metadata").isObject()).isTrue();
			assertThat(response.body().path("metadata").isEmpty()).isTrue();
		}

		@Test
		void secondPutUpdatesAndAnswers200() {
			// given
			var id = uniqueId("update");
			put(id, "{\"name\":\"Before\",\"email\":\"before@example.com\"}");

			// when
			var response = put(id, "{\"name\":\"After\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("name").asString()).isEqualTo("After");
			assertThat(read(id).path("name").asString()).isEqualTo("After");
		}

		@Test
		void absentFieldsKeepTheirValues() {
			// given
			var id = uniqueId("keep");
			put(id, """
					{"kind":"organization","name":"Keep","email":"keep@example.com","region":"us-east-1",
					 "metadata":{"a":"1"}}""");

			// when
			var response = put(id, "{\"email\":\"new@example.com\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			var stored = read(id);
			assertThat(stored.path("email").asString()).isEqualTo("new@example.com");
			assertThat(stored.path("name").asString()).isEqualTo("Keep");
			assertThat(stored.path("kind").asString()).isEqualTo("organization");
			assertThat(stored.path("region").asString()).isEqualTo("us-east-1");
			assertThat(stored.path("metadata").path("a").asString()).isEqualTo("1");
		}

		@Test
		void metadataIsReplacedAsAWholeWhenGiven() {
			// given
			var id = uniqueId("meta");
			put(id, "{\"metadata\":{\"a\":\"1\",\"b\":\"2\"}}");

			// when
			var response = put(id, "{\"metadata\":{\"c\":\"3\"}}");

			// then
			assertThat(response.status()).isEqualTo(200);
			var metadata = read(id).path("metadata");
			assertThat(metadata.propertyNames()).containsExactly("c");
		}

		@Test
		void repeatingTheSamePutIsIdempotent() {
			// given
			var id = uniqueId("idem");
			var body = "{\"name\":\"Same\",\"email\":\"same@example.com\",\"metadata\":{\"k\":\"v\"}}";
			assertThat(put(id, body).status()).isEqualTo(201);
			var first = put(id, body);

			// when
			var second = put(id, body);

			// then
			assertThat(first.status()).isEqualTo(200);
			assertThat(second.status()).isEqualTo(200);
			assertThat(second.body()).isEqualTo(first.body());
			assertThat(read(id)).isEqualTo(first.body());
			var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id));
			assertThat(audit.body().path("data").findValuesAsString("action")).as("nothing changed, nothing audited")
				.containsExactly("customer.created");
		}

		@Test
		void kindCannotChange() {
			// given
			var id = uniqueId("kind");
			put(id, "{\"kind\":\"organization\",\"name\":\"Org\"}");

			// when
			var response = put(id, "{\"kind\":\"user\",\"name\":\"Renamed\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(409);
			assertThat(response.code()).isEqualTo("customer_kind_immutable");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("kind");
			var stored = read(id);
			assertThat(stored.path("kind").asString()).isEqualTo("organization");
			assertThat(stored.path("name").asString()).as("the refused request changed nothing").isEqualTo("Org");
		}

		@Test
		void repeatingTheSameKindIsAllowed() {
			// given
			var id = uniqueId("samekind");
			put(id, "{\"kind\":\"organization\"}");

			// when
			var response = put(id, "{\"kind\":\"organization\",\"name\":\"Named\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("name").asString()).isEqualTo("Named");
		}

	}

	@Nested
	class CustomerIds {

		@Test
		void idsWithAtSignAndColonWorkUrlEncoded() {
			// given
			var id = "user:" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

			// when
			var created = put(id, "{\"name\":\"Email id\"}");

			// then
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			assertThat(created.body().path("id").asString()).isEqualTo(id);
			assertThat(read(id).path("id").asString()).isEqualTo(id);
			assertThat(listIds(q(id))).containsExactly(id);
			assertThat(api.get(path(id) + "/subscription").status()).isEqualTo(200);
		}

		@Test
		void idsWithEveryAllowedPunctuationWork() {
			// given
			var id = "a.b_c:d@e|f+g=h~i-" + UUID.randomUUID().toString().substring(0, 8);

			// when
			var created = put(id, "{}");

			// then
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			assertThat(read(id).path("id").asString()).isEqualTo(id);
		}

		@Test
		void idOf200CharactersIsAccepted() {
			// given
			var prefix = uniqueId("long");
			var id = prefix + "x".repeat(200 - prefix.length());

			// when
			var created = put(id, "{}");

			// then
			assertThat(id).hasSize(200);
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
		}

		@Test
		void idWithASpaceIsRefused() {
			// given
			var id = "has space-" + UUID.randomUUID().toString().substring(0, 8);

			// when
			var response = put(id, "{\"name\":\"x\"}");

			// then
			assertInvalid(response, "invalid_request", "id");
			assertThat(listIds(q(id))).isEmpty();
		}

		@Test
		void idLongerThan200CharactersIsRefused() {
			// given
			var id = "x".repeat(201);

			// when
			var response = put(id, "{\"name\":\"x\"}");

			// then
			assertInvalid(response, "invalid_request", "id");
			assertThat(listIds(q(id.substring(0, 200)))).isEmpty();
		}

		@Test
		void idWithOtherPunctuationIsRefused() {
			// given
			var id = "bang!-" + UUID.randomUUID().toString().substring(0, 8);

			// when
			var response = put(id, "{}");

			// then
			assertInvalid(response, "invalid_request", "id");
		}

		@Test
		void badIdIsRefusedOnReadsToo() {
			// when
			var response = api.get(path("has space"));

			// then
			assertInvalid(response, "invalid_request", "id");
		}

	}

	@Nested
	class BadInput {

		@Test
		void badEmailIsRefusedNamingEmail() {
			// given
			var id = uniqueId("bademail");

			// when
			var response = put(id, "{\"name\":\"x\",\"email\":\"not-an-email\"}");

			// then
			assertInvalid(response, "invalid_request", "email");
			assertNotCreated(id);
		}

		@Test
		void badRegionIsRefusedNamingRegion() {
			// given
			var id = uniqueId("badregion");

			// when
			var response = put(id, "{\"region\":\"US East\"}");

			// then
			assertInvalid(response, "invalid_request", "region");
			assertNotCreated(id);
		}

		@Test
		void badKindIsRefusedNamingKind() {
			// given
			var id = uniqueId("badkind");

			// when
			var response = put(id, "{\"kind\":\"team\"}");

			// then
			assertInvalid(response, "invalid_request", "kind");
			assertNotCreated(id);
		}

		@Test
		void emptyNameIsRefusedNamingName() {
			// given
			var id = uniqueId("emptyname");

			// when
			var response = put(id, "{\"name\":\"\"}");

			// then
			assertInvalid(response, "invalid_request", "name");
			assertNotCreated(id);
		}

		@Test
		void metadataOf16KiBIsAccepted() {
			// given: {"blob":"…"} is 11 bytes around the text
			var id = uniqueId("meta16k");
			var body = Api.json(Map.of("metadata", Map.of("blob", "x".repeat(16 * 1024 - 11))));

			// when
			var response = put(id, body);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
		}

		@Test
		void metadataOver16KiBIsRefusedNamingMetadata() {
			// given
			var id = uniqueId("meta17k");
			var body = Api.json(Map.of("metadata", Map.of("blob", "x".repeat(16 * 1024 - 10))));

			// when
			var response = put(id, body);

			// then
			assertInvalid(response, "invalid_request", "metadata");
			assertNotCreated(id);
		}

		@Test
		void metadataOver16KiBLeavesAnExistingCustomerAsItWas() {
			// given
			var id = uniqueId("meta-upd");
			put(id, "{\"name\":\"Small\",\"metadata\":{\"a\":\"1\"}}");
			var before = read(id);

			// when
			var response = put(id, Api.json(Map.of("name", "Big", "metadata", Map.of("blob", "x".repeat(20_000)))));

			// then
			assertInvalid(response, "invalid_request", "metadata");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void metadataWithMoreThan100KeysIsRefused() {
			// given
			var id = uniqueId("meta101");
			var metadata = new LinkedHashMap<String, Object>();
			for (int i = 0; i < 101; i++) {
				metadata.put("k" + i, i);
			}

			// when
			var response = put(id, Api.json(Map.of("metadata", metadata)));

			// then
			assertInvalid(response, "invalid_request", "metadata");
			assertNotCreated(id);
		}

		@Test
		void unknownFieldIsRefusedNamingIt() {
			// given
			var id = uniqueId("unknownfield");

			// when
			var response = put(id, "{\"name\":\"x\",\"nickname\":\"y\"}");

			// then
			assertInvalid(response, "invalid_request", "nickname");
			assertNotCreated(id);
		}

		@Test
		void numberForNameIsRefusedNamingName() {
			// given
			var id = uniqueId("numname");

			// when
			var response = put(id, "{\"name\":5}");

			// then
			assertInvalid(response, "invalid_request", "name");
			assertNotCreated(id);
		}

		@Test
		void textForMetadataIsRefusedNamingMetadata() {
			// given
			var id = uniqueId("textmeta");

			// when
			var response = put(id, "{\"metadata\":\"x\"}");

			// then
			assertInvalid(response, "invalid_request", "metadata");
			assertNotCreated(id);
		}

		@Test
		void wrongTypedFieldLeavesAnExistingCustomerAsItWas() {
			// given
			var id = uniqueId("wrongtype-upd");
			put(id, "{\"name\":\"Kept\",\"email\":\"kept@example.com\"}");
			var before = read(id);

			// when
			var response = put(id, "{\"name\":5,\"email\":\"changed@example.com\"}");

			// then
			assertInvalid(response, "invalid_request", "name");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void badEmailLeavesAnExistingCustomerAsItWas() {
			// given
			var id = uniqueId("bademail-upd");
			put(id, "{\"name\":\"Kept\",\"email\":\"kept@example.com\"}");
			var before = read(id);

			// when
			var response = put(id, "{\"name\":\"Changed\",\"email\":\"nope\"}");

			// then
			assertInvalid(response, "invalid_request", "email");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void malformedJsonIsRefused() {
			// given
			var id = uniqueId("malformed");

			// when
			var response = put(id, "{\"name\": \"x\",");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("malformed_json");
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
			assertNotCreated(id);
		}

		@Test
		void emptyBodyIsRefused() {
			// given
			var id = uniqueId("emptybody");

			// when
			var response = put(id, "");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("malformed_json");
			assertNotCreated(id);
		}

		@Test
		void jsonArrayForBodyIsRefused() {
			// given
			var id = uniqueId("arraybody");

			// when
			var response = put(id, "[]");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertNotCreated(id);
		}

	}

	@Nested
	class Reading {

		@Test
		void unknownCustomerIsNotFound() {
			// when
			var response = api.get(path(uniqueId("ghost")));

			// then
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

	}

	@Nested
	class Listing {

		@Test
		void searchFindsById() {
			// given
			var tok = token();
			var id = tok + "-byid";
			put(id, "{\"name\":\"Someone\"}");
			put(token() + "-other", "{\"name\":\"Other\"}");

			// when
			var ids = listIds(q(tok));

			// then
			assertThat(ids).containsExactly(id);
		}

		@Test
		void searchFindsByNameIgnoringCase() {
			// given
			var tok = token();
			var id = uniqueId("byname");
			put(id, "{\"name\":\"Acme " + tok.toUpperCase() + " Corp\"}");

			// when
			var ids = listIds(q("acme " + tok.toLowerCase()));

			// then
			assertThat(ids).containsExactly(id);
		}

		@Test
		void searchFindsByEmailIgnoringCase() {
			// given
			var tok = token();
			var id = uniqueId("byemail");
			put(id, "{\"email\":\"" + tok + "@Example.COM\"}");

			// when
			var ids = listIds(q(tok.toUpperCase() + "@EXAMPLE.com"));

			// then
			assertThat(ids).containsExactly(id);
		}

		@Test
		void percentInSearchIsLiteral() {
			// given
			var tok = token();
			var percent = uniqueId("pct");
			var other = uniqueId("pct");
			put(percent, "{\"name\":\"" + tok + " 100% sure\"}");
			put(other, "{\"name\":\"" + tok + " 100x sure\"}");

			// when
			var ids = listIds(q(tok + " 100%"));

			// then
			assertThat(ids).containsExactly(percent);
			assertThat(listIds(q(tok + " 100"))).containsExactlyInAnyOrder(percent, other);
		}

		@Test
		void underscoreInSearchIsLiteral() {
			// given
			var tok = token();
			var underscore = tok + "-a_b";
			var other = tok + "-axb";
			put(underscore, "{}");
			put(other, "{}");

			// when
			var ids = listIds(q(tok + "-a_b"));

			// then
			assertThat(ids).containsExactly(underscore);
		}

		@Test
		void backslashInSearchIsLiteral() {
			// given
			var tok = token();
			var id = uniqueId("bslash");
			put(id, "{\"name\":\"" + tok + " a\\\\b\"}");

			// when
			var ids = listIds(q(tok + " a\\b"));

			// then
			assertThat(ids).containsExactly(id);
		}

		@Test
		void statusFilterListsOnlyThatStatus() {
			// given
			var tok = token();
			var active = tok + "-active";
			var suspended = tok + "-suspended";
			put(active, "{}");
			put(suspended, "{}");
			api.post(path(suspended) + "/suspend", null);

			// when
			var onlySuspended = listIds(q(tok) + "&status=suspended");
			var onlyActive = listIds(q(tok) + "&status=active");
			var all = listIds(q(tok));

			// then
			assertThat(onlySuspended).containsExactly(suspended);
			assertThat(onlyActive).containsExactly(active);
			assertThat(all).containsExactly(active, suspended);
		}

		@Test
		void planFilterListsOnlyCustomersOnThatPlan() {
			// given
			var tok = token();
			var onFree = tok + "-free";
			var onPro = tok + "-pro";
			var onEnterprise = tok + "-ent";
			put(onFree, "{}");
			put(onPro, "{}");
			put(onEnterprise, "{}");
			api.post(path(onPro) + "/subscription", "{\"plan\":\"pro\"}");
			api.post(path(onEnterprise) + "/subscription", "{\"plan\":\"enterprise\"}");

			// when
			var pro = listIds(q(tok) + "&plan=pro");
			var free = listIds(q(tok) + "&plan=free");

			// then
			assertThat(pro).containsExactly(onPro);
			assertThat(free).containsExactly(onFree);
			assertThat(listIds(q(tok) + "&plan=enterprise")).containsExactly(onEnterprise);
			assertThat(listIds(q(tok) + "&plan=nosuchplan")).isEmpty();
		}

		@Test
		void cursorPaginationWalksEveryCustomerOnceInIdOrder() {
			// given
			var tok = token();
			var created = new ArrayList<String>();
			for (int i = 0; i < 5; i++) {
				var id = tok + "-" + UUID.randomUUID().toString().substring(0, 6);
				put(id, "{}");
				created.add(id);
			}

			// when
			var seen = new ArrayList<String>();
			var pages = new ArrayList<Integer>();
			String cursor = null;
			do {
				var response = api.get("/v1/customers?" + q(tok) + "&limit=2"
						+ (cursor == null ? "" : "&cursor=" + Api.encode(cursor)));
				assertThat(response.status()).as(response.toString()).isEqualTo(200);
				var data = response.body().path("data");
				pages.add(data.size());
				data.forEach(c -> seen.add(c.path("id").asString()));
				var next = response.body().path("nextCursor");
				cursor = next.isMissingNode() || next.isNull() ? null : next.asString();
			}
			while (cursor != null && pages.size() < 10);

			// then
			assertThat(pages).containsExactly(2, 2, 1);
			assertThat(seen).doesNotHaveDuplicates();
			assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());
		}

		@Test
		void lastPageHasNoNextCursor() {
			// given
			var tok = token();
			put(tok + "-1", "{}");
			put(tok + "-2", "{}");

			// when
			var response = api.get("/v1/customers?" + q(tok) + "&limit=2");

			// then
			assertThat(response.body().path("data").size()).isEqualTo(2);
			assertThat(response.body().has("nextCursor")).isFalse();
		}

		@Test
		void badCursorIsRefusedNamingCursor() {
			// when
			var response = api.get("/v1/customers?cursor=" + Api.encode("not*a*cursor"));

			// then
			assertInvalid(response, "invalid_request", "cursor");
		}

		@Test
		void limitOfZeroIsRefused() {
			// when
			var response = api.get("/v1/customers?limit=0");

			// then
			assertInvalid(response, "invalid_request", "limit");
		}

		@Test
		void limitOf500IsRefused() {
			// when
			var response = api.get("/v1/customers?limit=500");

			// then
			assertInvalid(response, "invalid_request", "limit");
		}

		@Test
		void nonNumericLimitIsRefused() {
			// when
			var response = api.get("/v1/customers?limit=many");

			// then
			assertInvalid(response, "invalid_request", "limit");
		}

		@Test
		void unknownStatusFilterIsRefused() {
			// when
			var response = api.get("/v1/customers?status=archived");

			// then
			assertInvalid(response, "invalid_request", "status");
		}

		@Test
		void badPlanFilterIsRefused() {
			// when
			var response = api.get("/v1/customers?plan=" + Api.encode("Not A Key"));

			// then
			assertInvalid(response, "invalid_request", "plan");
		}

	}

	@Nested
	class Status {

		@Test
		void suspendedCustomerShowsAsSuspendedAndInTheStatusFilter() {
			// given
			var id = newCustomer("suspend");

			// when
			var response = api.post(path(id) + "/suspend", null);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("suspended");
			assertThat(read(id).path("status").asString()).isEqualTo("suspended");
			assertThat(listIds(q(id) + "&status=suspended")).containsExactly(id);
			assertThat(listIds(q(id) + "&status=active")).isEmpty();
		}

		@Test
		void activatedCustomerIsActiveAgain() {
			// given
			var id = newCustomer("activate");
			api.post(path(id) + "/suspend", null);

			// when
			var response = api.post(path(id) + "/activate", null);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("active");
			assertThat(read(id).path("status").asString()).isEqualTo("active");
			assertThat(listIds(q(id) + "&status=suspended")).isEmpty();
		}

		@Test
		void suspendingTwiceChangesNothingTheSecondTime() {
			// given
			var id = newCustomer("suspend2");
			var first = api.post(path(id) + "/suspend", null);

			// when
			var second = api.post(path(id) + "/suspend", null);

			// then
			assertThat(second.status()).isEqualTo(200);
			assertThat(second.body().path("updatedAt")).isEqualTo(read(id).path("updatedAt"));
			assertThat(second.body().path("status").asString()).isEqualTo("suspended");
			assertThat(first.body().path("status").asString()).isEqualTo("suspended");
		}

		@Test
		void suspendingAnUnknownCustomerIsNotFound() {
			// when
			var response = api.post(path(uniqueId("ghost")) + "/suspend", null);

			// then
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

		@Test
		void activatingAnUnknownCustomerIsNotFound() {
			// when
			var response = api.post(path(uniqueId("ghost")) + "/activate", null);

			// then
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

	}

	@Nested
	class Deletion {

		@Test
		void deletedCustomerHasStatusDeletedAndADeletionTime() {
			// given
			var id = newCustomer("delete");

			// when
			var response = api.delete(path(id));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("deleted");
			assertThat(response.body().path("deletedAt").isString()).isTrue();
			var stored = read(id);
			assertThat(stored.path("status").asString()).isEqualTo("deleted");
			assertThat(stored.path("deletedAt").isString()).isTrue();
			assertThat(stored.path("name").asString()).as("the data is kept").isEqualTo("delete");
		}

		@Test
		void deletedCustomerIsListedOnlyWithStatusDeleted() {
			// given
			var id = newCustomer("delete-list");

			// when
			api.delete(path(id));

			// then
			assertThat(listIds(q(id))).isEmpty();
			assertThat(listIds(q(id) + "&status=active")).isEmpty();
			assertThat(listIds(q(id) + "&status=deleted")).containsExactly(id);
		}

		@Test
		void deletedCustomersSubscriptionIsCanceled() {
			// given
			var id = newCustomer("delete-sub");
			api.post(path(id) + "/subscription", "{\"plan\":\"enterprise\"}");

			// when
			api.delete(path(id));

			// then
			var subscription = api.get(path(id) + "/subscription");
			assertThat(subscription.status()).isEqualTo(200);
			assertThat(subscription.body().path("status").asString()).isEqualTo("canceled");
			assertThat(subscription.body().path("endedAt").isString()).isTrue();
			var history = api.get(path(id) + "/subscription/history").body().path("data");
			assertThat(history.get(history.size() - 1).path("action").asString()).isEqualTo("ended");
		}

		@Test
		void deletedCustomerCannotBePutAgain() {
			// given
			var id = newCustomer("delete-put");
			api.delete(path(id));
			var before = read(id);

			// when
			var response = put(id, "{\"name\":\"Back from the dead\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(409);
			assertThat(response.code()).isEqualTo("customer_deleted");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void deletedCustomerCannotBeSuspendedOrActivated() {
			// given
			var id = newCustomer("delete-suspend");
			api.delete(path(id));
			var before = read(id);

			// when
			var suspend = api.post(path(id) + "/suspend", null);
			var activate = api.post(path(id) + "/activate", null);

			// then
			assertThat(suspend.status()).as(suspend.toString()).isEqualTo(409);
			assertThat(suspend.code()).isEqualTo("customer_deleted");
			assertThat(activate.status()).as(activate.toString()).isEqualTo(409);
			assertThat(activate.code()).isEqualTo("customer_deleted");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void deletingTwiceChangesNothingTheSecondTime() {
			// given
			var id = newCustomer("delete-twice");
			api.delete(path(id));
			var before = read(id);

			// when
			var response = api.delete(path(id));

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo(before);
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void deletingAnUnknownCustomerIsNotFound() {
			// when
			var response = api.delete(path(uniqueId("ghost")));

			// then
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

	}

	@Nested
	class Authentication {

		@Test
		void requestsWithoutAKeyAreUnauthenticated() {
			// given
			var id = uniqueId("nokey");

			// when
			var put = anonymous.put(path(id), "{\"name\":\"x\"}");
			var get = anonymous.get(path(id));
			var list = anonymous.get("/v1/customers");
			var delete = anonymous.delete(path(id));

			// then
			for (var response : List.of(put, get, list, delete)) {
				assertThat(response.status()).as(response.toString()).isEqualTo(401);
				assertThat(response.code()).isEqualTo("unauthenticated");
			}
			assertNotCreated(id);
		}

		@Test
		void requestsWithAWrongKeyAreUnauthenticated() {
			// given
			var id = uniqueId("badkey");

			// when
			var response = api.withKey("pg_sk_notarealkey").put(path(id), "{\"name\":\"x\"}");

			// then
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
			assertNotCreated(id);
		}

	}

}
