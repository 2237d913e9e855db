package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The API document's request examples are requests the server takes: each fits its
 * schema, and sent in the order a newcomer would (on a database of its own, since they
 * change things), each is accepted.
 */
@FreshSchema
class RequestExamplesTest extends ServerTest {

	/** The main requests, in the order they are sent, with their path's values. */
	private static final Map<String, String> MAIN = new LinkedHashMap<>();

	static {
		MAIN.put("upsertCustomer", "PUT /v1/customers/acme");
		MAIN.put("changeSubscription", "POST /v1/customers/acme/subscription");
		MAIN.put("setOverride", "PUT /v1/customers/acme/overrides/api_calls");
		MAIN.put("recordUsageEvents", "POST /v1/usage-events");
		MAIN.put("check", "POST /v1/check");
		MAIN.put("consume", "POST /v1/consume");
		MAIN.put("createGrant", "POST /v1/customers/acme/grants");
		MAIN.put("acquireLease", "POST /v1/leases");
		MAIN.put("heartbeatLease", "POST /v1/leases/{lease}/heartbeat");
		MAIN.put("submitBatch", "POST /v1/batches");
		MAIN.put("createPlan", "POST /v1/admin/plans");
		MAIN.put("updatePlan", "PUT /v1/admin/plans/team");
		MAIN.put("createApiKey", "POST /v1/api-keys");
		MAIN.put("pollOperations", "POST /v1/worker/poll");
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "request_examples");
	}

	@Test
	void everyMainRequestHasAnExampleThatFitsItsSchema() {
		// given
		var docs = anonymous.get("/v3/api-docs").body();

		// when
		var examples = examples(docs);
		var misfits = new TreeSet<String>();
		examples.forEach((operation, example) -> misfit(docs, "", example.schema(), example.value(),
				misfit -> misfits.add(operation + ": " + misfit)));

		// then
		assertThat(examples.keySet()).containsAll(MAIN.keySet());
		assertThat(misfits).as("examples that do not fit their schema").isEmpty();
		assertThat(examples.get("consume").value().path("feature").asString()).isEqualTo("api_calls");
	}

	@Test
	void theServerTakesEveryMainRequestsExample() {
		// given
		var docs = anonymous.get("/v3/api-docs").body();
		var examples = examples(docs);

		// when: each sent, in a newcomer's order
		var answers = new LinkedHashMap<String, String>();
		String lease = null;
		for (var request : MAIN.entrySet()) {
			var example = examples.get(request.getKey());
			var method = request.getValue().substring(0, request.getValue().indexOf(' '));
			var path = request.getValue().substring(method.length() + 1).replace("{lease}", String.valueOf(lease));
			var answer = api.send(method, path, example.value().toString(), Map.of("Content-Type", "application/json"));
			answers.put(request.getKey(), answer.status() + " " + answer.text());
			if (request.getKey().equals("acquireLease")) {
				lease = answer.body().path("id").asString();
			}
		}

		// then
		assertThat(answers).allSatisfy((operation, answer) -> assertThat(answer).as(operation).matches("2\\d\\d .*"));
	}

	record Documented(JsonNode schema, JsonNode value) {
	}

	private static Map<String, Documented> examples(JsonNode docs) {
		var examples = new LinkedHashMap<String, Documented>();
		docs.path("paths").forEach(item -> item.forEach(operation -> {
			var body = operation.path("requestBody").path("content").path("application/json");
			body.path("examples")
				.forEach(example -> examples.put(operation.path("operationId").asString(),
						new Documented(body.path("schema"), example.path("value"))));
		}));
		return examples;
	}

	/**
	 * Reports where {@code value} does not fit {@code schema}: a member it does not name,
	 * a required one missing, a value of another type.
	 */
	private static void misfit(JsonNode docs, String where, JsonNode schema, JsonNode value,
			java.util.function.Consumer<String> report) {
		while (schema.has("$ref")) {
			schema = docs.at(schema.path("$ref").asString().substring(1));
		}
		for (var choice : List.of("anyOf", "oneOf")) {
			if (schema.has(choice)) {
				var fits = new ArrayList<String>();
				for (var option : schema.path(choice)) {
					var misfits = new ArrayList<String>();
					misfit(docs, where, option, value, misfits::add);
					if (misfits.isEmpty()) {
						fits.add("fits");
					}
				}
				if (fits.isEmpty()) {
					report.accept(where + " fits none of " + choice);
				}
				return;
			}
		}
		var type = schema.path("type").asString("");
		boolean fits = switch (type) {
			case "object" -> value.isObject();
			case "array" -> value.isArray();
			case "string" -> value.isString();
			case "integer" -> value.isIntegralNumber();
			case "number" -> value.isNumber();
			case "boolean" -> value.isBoolean();
			default -> true;
		};
		if (!fits) {
			report.accept(where + " is not " + type);
			return;
		}
		if (value.isObject() && schema.has("properties")) {
			var properties = schema.path("properties");
			schema.path("required").forEach(required -> {
				if (!value.has(required.asString())) {
					report.accept(where + "." + required.asString() + " is missing");
				}
			});
			for (var member : value.properties()) {
				if (!properties.has(member.getKey())) {
					report.accept(where + "." + member.getKey() + " is not in the schema");
				}
				else {
					misfit(docs, where + "." + member.getKey(), properties.path(member.getKey()), member.getValue(),
							report);
				}
			}
		}
		if (value.isArray() && schema.has("items")) {
			for (int i = 0; i < value.size(); i++) {
				misfit(docs, where + "[" + i + "]", schema.path("items"), value.get(i), report);
			}
		}
		if (schema.has("enum") && schema.path("enum").valueStream().noneMatch(value::equals)) {
			report.accept(where + " is none of " + schema.path("enum"));
		}
	}

}
