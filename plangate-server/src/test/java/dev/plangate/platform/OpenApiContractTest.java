package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.plangate.support.ServerTest;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverterContextImpl;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API document is a contract that generated clients rely on: each operation has a
 * name of its own, says which credential it takes, how it refuses and how a retry is made
 * safe, each schema stands for one type, and bodies show their fields.
 */
class OpenApiContractTest extends ServerTest {

	/** The operations anyone may call, without a credential. */
	private static final Set<String> PUBLIC = Set.of("GET /v1/plans", "GET /v1/plans/{key}",
			"GET /.well-known/jwks.json", "POST /v1/auth/register", "POST /v1/auth/verify-email", "POST /v1/auth/login",
			"POST /v1/auth/refresh", "POST /v1/auth/password/forgot", "POST /v1/auth/password/reset",
			"POST /v1/auth/email/confirm", "POST /v1/billing/stripe/webhook");

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	private JsonNode docs;

	private final Map<String, JsonNode> operations = new TreeMap<>();

	@BeforeEach
	void readTheDocument() {
		docs = anonymous.get("/v3/api-docs").body();
		docs.path("paths")
			.properties()
			.forEach(path -> path.getValue()
				.properties()
				.forEach(operation -> operations.put(operation.getKey().toUpperCase() + " " + path.getKey(),
						operation.getValue())));
		assertThat(operations).hasSizeGreaterThan(50);
	}

	@Test
	void everyOperationHasANameOfItsOwn() {
		// when
		var names = new TreeMap<String, List<String>>();
		operations.forEach((operation, spec) -> names
			.computeIfAbsent(spec.path("operationId").asString(""), name -> new ArrayList<>())
			.add(operation));

		// then: a name a generated client can use as a method, never `get_3`
		assertThat(names.keySet()).allMatch(name -> name.matches("[a-z][A-Za-z]+"), "camelCase names");
		assertThat(names).allSatisfy((name, named) -> assertThat(named).as(name).hasSize(1));
	}

	@Test
	void everyOperationSaysWhichCredentialItTakes() {
		// when
		var publicOperations = new TreeSet<String>();
		var undeclared = new TreeSet<String>();
		operations.forEach((operation, spec) -> {
			if (!spec.has("security")) {
				undeclared.add(operation);
			}
			else if (spec.path("security").isEmpty()) {
				publicOperations.add(operation);
			}
		});

		// then
		assertThat(undeclared).as("operations relying on the document's default").isEmpty();
		assertThat(publicOperations).isEqualTo(new TreeSet<>(PUBLIC));
		assertThat(schemes("GET /v1/customers/{id}")).containsExactly("serverKey");
		assertThat(schemes("POST /v1/worker/poll")).containsExactly("workerKey", "serverKey");
		assertThat(schemes("GET /v1/me/subscription")).containsExactly("accessToken", "personalKey");
		assertThat(schemes("POST /v1/me/password")).containsExactly("accessToken");
		assertThat(schemes("GET /v1/admin/accounts")).containsExactly("serverKey", "accessToken");
		assertThat(docs.path("components").path("securitySchemes").propertyNames()).contains("serverKey", "workerKey",
				"accessToken", "personalKey");
	}

	@Test
	void everyOperationSaysHowItRefuses() {
		// when
		var undocumented = new TreeSet<String>();
		operations.forEach((operation, spec) -> {
			var expected = new ArrayList<>(List.of("default"));
			if (!PUBLIC.contains(operation)) {
				expected.addAll(List.of("401", "403"));
			}
			if (operation.contains("{")) {
				expected.add("404");
			}
			for (var status : expected) {
				var schema = spec.path("responses")
					.path(status)
					.path("content")
					.path("application/problem+json")
					.path("schema")
					.path("$ref")
					.asString("");
				if (!schema.equals("#/components/schemas/Problem")
						&& !schema.equals("#/components/schemas/DecisionRefusal")) {
					undocumented.add(operation + " " + status);
				}
			}
		});

		// then
		assertThat(undocumented).as("refusals a generated client would not know the shape of").isEmpty();
	}

	@Test
	void aDecisionListsItsRefusalsWithTheirCodesAndFigures() {
		// when
		var consume = operations.get("POST /v1/consume").path("responses");
		var acquire = operations.get("POST /v1/leases").path("responses");

		// then: each status with the codes it answers, an example of each, and the
		// decision's figures where a decision refused
		assertThat(codes(consume, "402")).containsExactly("feature_not_in_plan", "quota_exceeded",
				"subscription_inactive");
		assertThat(codes(consume, "403")).containsExactly("customer_suspended", "forbidden");
		assertThat(codes(consume, "404")).containsExactly("customer_not_found");
		assertThat(codes(consume, "429")).containsExactly("rate_limited");
		assertThat(codes(consume, "503")).containsExactly("rate_limiter_unavailable", "ledger_busy");
		assertThat(codes(consume, "400")).containsExactly("invalid_request", "malformed_json");
		assertThat(codes(acquire, "429")).containsExactly("concurrency_limit_reached");
		var refused = consume.path("402").path("content").path("application/problem+json");
		assertThat(refused.path("schema").path("$ref").asString()).isEqualTo("#/components/schemas/DecisionRefusal");
		var example = refused.path("examples").path("quota_exceeded").path("$ref").asString("");
		assertThat(docs.at(example.substring(1)).path("value").path("code").asString()).isEqualTo("quota_exceeded");
		assertThat(consume.path("429").path("headers").propertyNames()).contains("Retry-After", "RateLimit-Policy",
				"RateLimit");
		var figures = docs.path("components").path("schemas").path("DecisionRefusal").path("allOf");
		assertThat(figures.get(0).path("$ref").asString()).isEqualTo("#/components/schemas/Problem");
		assertThat(figures.get(1).path("properties").propertyNames()).contains("limit", "used", "remaining", "resetsAt",
				"upgradePlan", "retryAfter");
	}

	@Test
	void everyRefusalListsItsCodesWithAnExampleOfEach() {
		// when
		var unlisted = new TreeSet<String>();
		var misplaced = new TreeSet<String>();
		operations.forEach((operation, spec) -> spec.path("responses").properties().forEach(answer -> {
			var status = answer.getKey();
			if (!status.matches("4\\d\\d")) {
				return;
			}
			var codes = codes(spec.path("responses"), status);
			if (codes.isEmpty()) {
				unlisted.add(operation + " " + status);
			}
			var examples = answer.getValue().path("content").path("application/problem+json").path("examples");
			for (var code : codes) {
				var known = java.util.Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst();
				if (known.isEmpty() || known.get().status().value() != Integer.parseInt(status)
						|| !examples.has(code)) {
					misplaced.add(operation + " " + status + " " + code);
				}
			}
		}));

		// then: a generated client knows, for each status, which codes to expect
		assertThat(unlisted).as("refusals without their codes").isEmpty();
		assertThat(misplaced).as("codes under another status than theirs, unknown, or without an example").isEmpty();
		var customer = operations.get("DELETE /v1/customers/{id}/overrides/{feature}").path("responses");
		assertThat(codes(customer, "404")).containsExactly("customer_not_found", "override_not_found");
		assertThat(codes(customer, "409")).contains("customer_deleted", "idempotency_key_in_use");
		assertThat(codes(customer, "406")).containsExactly("not_acceptable");
		assertThat(codes(operations.get("POST /v1/admin/plans").path("responses"), "422")).contains("invalid_plan",
				"idempotency_key_reused");
		assertThat(codes(operations.get("POST /v1/auth/login").path("responses"), "401"))
			.contains("invalid_credentials");
		assertThat(docs.path("components").path("examples").path("quota_exceeded").path("value").path("status").asInt())
			.isEqualTo(402);
	}

	@Test
	void everyPathVariableHasTheCodeOfWhatItNames() {
		// when
		var unknown = new TreeSet<String>();
		docs.path("paths")
			.propertyNames()
			.forEach(path -> NotFound.unknownVariables(path).forEach(variable -> unknown.add(path + " " + variable)));

		// then: a new resource's not-found code is added to NotFound with it
		assertThat(unknown).as("path variables whose not-found code the document cannot name").isEmpty();
		assertThat(NotFound.codes("/v1/customers/{id}/grants/{grantId}")).containsExactly(ErrorCode.CUSTOMER_NOT_FOUND,
				ErrorCode.GRANT_NOT_FOUND);
		assertThat(NotFound.codes("/v1/me/api-keys/{id}")).containsExactly(ErrorCode.ACCOUNT_NOT_FOUND,
				ErrorCode.PERSONAL_API_KEY_NOT_FOUND);
		assertThat(NotFound.unknownVariables("/v1/gadgets/{id}")).containsExactly("{id}");
	}

	@Test
	void tagsFollowTheReadme() throws Exception {
		// given: the README's list of the API's groups
		var readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
		var sentence = java.util.regex.Pattern
			.compile("groups its operations under these tags, in this order: ([^.]+)\\.")
			.matcher(readme.replaceAll("\\s+", " "));
		assertThat(sentence.find()).as("the README names the tags").isTrue();
		var named = List.of(sentence.group(1).split(", "));

		// when
		var declared = docs.path("tags").valueStream().map(tag -> tag.path("name").asString()).toList();
		var used = new TreeSet<String>();
		operations.values().forEach(spec -> spec.path("tags").forEach(tag -> used.add(tag.asString())));

		// then
		assertThat(declared).isEqualTo(named);
		assertThat(declared).containsAll(used);
		assertThat(operations.values()).allSatisfy(spec -> assertThat(spec.path("tags")).hasSize(1));
	}

	@Test
	void eventStreamsNameTheirEventsAndTheirData() {
		// when
		var streams = new TreeMap<String, JsonNode>();
		operations.forEach((operation, spec) -> {
			var stream = spec.path("responses").path("200").path("content").path("text/event-stream");
			if (!stream.isMissingNode()) {
				streams.put(operation, stream.path(OpenApiConfiguration.EVENTS));
			}
		});

		// then
		assertThat(streams).containsKeys("GET /v1/batches/{id}/events", "GET /v1/batches/events",
				"GET /v1/me/batches/{id}/events", "GET /v1/me/batches/events");
		assertThat(streams).allSatisfy((operation, events) -> {
			assertThat(events.propertyNames()).as(operation).isNotEmpty();
			assertThat(events.valueStream().map(data -> data.path("$ref").asString(""))).as(operation)
				.allMatch(reference -> docs.at(reference.substring(1)).isObject());
		});
		var batch = streams.get("GET /v1/batches/{id}/events");
		assertThat(batch.propertyNames()).contains("batch.queued", "operation.completed", "batch.completed",
				"stream.too_slow");
		assertThat(batch.path("operation.progress").path("$ref").asString())
			.isEqualTo("#/components/schemas/EventView");
		assertThat(batch.path("stream.too_slow").path("$ref").asString()).isEqualTo("#/components/schemas/StreamEnd");
	}

	@Test
	void theWebSocketIsDescribed() {
		// when
		var socket = operations.get("GET /v1/batches/events/live");

		// then: its handshake, the credential it takes, and what it carries
		assertThat(socket).as("the WebSocket's handshake").isNotNull();
		assertThat(socket.path("responses").has("101")).isTrue();
		assertThat(socket.path("parameters").valueStream().map(p -> p.path("name").asString())).contains("customerId",
				"batchId", "after", "Upgrade");
		assertThat(schemes("GET /v1/batches/events/live")).containsExactly("serverKey");
		var described = socket.path("x-websocket");
		assertThat(described.path("serverMessages").path("$ref").asString())
			.isEqualTo("#/components/schemas/EventView");
		assertThat(described.path("closeCodes").propertyNames()).contains("1008", "1013");
	}

	private static List<String> codes(JsonNode responses, String status) {
		return responses.path(status).path(OpenApiConfiguration.CODES).valueStream().map(JsonNode::asString).toList();
	}

	@Test
	void everySchemaStandsForOneType() {
		// given: every type Plangate's controllers take as a body or answer, as the API
		// document declares them
		var types = new ArrayList<Type>();
		mappings.getHandlerMethods().forEach((info, method) -> {
			if (method.getBeanType().getPackageName().startsWith("dev.plangate")) {
				types.add(method.getMethod().getGenericReturnType());
				for (var parameter : method.getMethodParameters()) {
					if (parameter.hasParameterAnnotation(RequestBody.class)) {
						types.add(parameter.getGenericParameterType());
					}
					var documented = parameter
						.getParameterAnnotation(io.swagger.v3.oas.annotations.parameters.RequestBody.class);
					if (documented != null) {
						for (var content : documented.content()) {
							types.add(content.schema().implementation());
						}
					}
				}
			}
		});
		assertThat(types).hasSizeGreaterThan(100);

		// when: each is resolved as the document's generator resolves it, in one context
		var named = schemaNames(types);

		// then
		assertThat(named).hasSizeGreaterThan(50)
			.allSatisfy((name, resolved) -> assertThat(resolved).as(name).hasSize(1));
	}

	@Test
	void twoTypesUnderOneSchemaNameAreFound() {
		// when
		var named = schemaNames(List.of(Clashing.class));

		// then
		assertThat(named.get("Twin")).hasSize(2);
	}

	@Test
	void planBodiesAreThePlansFields() {
		// when
		var create = operations.get("POST /v1/admin/plans").path("requestBody");
		var update = operations.get("PUT /v1/admin/plans/{key}").path("requestBody");

		// then
		for (var body : List.of(create, update)) {
			assertThat(body.path("content").path("application/json").path("schema").path("$ref").asString(""))
				.isEqualTo("#/components/schemas/CatalogPlan");
		}
		var schemas = docs.path("components").path("schemas");
		assertThat(schemas.path("CatalogPlan").path("properties").propertyNames()).contains("key", "price", "interval",
				"entitlements");
		assertThat(schemas.path("CatalogPlan").path("required").valueStream().map(JsonNode::asString))
			.containsExactly("price");
		assertThat(schemas.path("EntitlementValue").path("anyOf")).hasSize(4);
		assertThat(schemas.has("JsonNode")).as("Jackson's tree documented as a schema").isFalse();
		assertThat(schemas.path("SetOverride").path("properties").path("value").has("type")).as("any JSON value")
			.isFalse();
		assertThat(docs.toString()).doesNotContain("\"nodeType\"").doesNotContain("\"integralNumber\"");
	}

	@Test
	void everyPostAndDeleteTakingACredentialDeclaresTheIdempotencyKey() {
		// when
		var undeclared = new TreeSet<String>();
		var declaredOnPublic = new TreeSet<String>();
		operations.forEach((operation, spec) -> {
			if (!operation.startsWith("POST ") && !operation.startsWith("DELETE ")) {
				return;
			}
			boolean declared = spec.path("parameters")
				.valueStream()
				.anyMatch(p -> p.path("in").asString("").equals("header")
						&& p.path("name").asString("").equals("Idempotency-Key")
						&& !p.path("description").asString("").isBlank());
			if (PUBLIC.contains(operation) && declared) {
				declaredOnPublic.add(operation);
			}
			else if (!PUBLIC.contains(operation) && !declared) {
				undeclared.add(operation);
			}
		});

		// then
		assertThat(undeclared).as("operations whose retries a client cannot make safe").isEmpty();
		assertThat(declaredOnPublic).as("public operations, which have no caller to keep an answer for").isEmpty();
		assertThat(operations.get("POST /v1/consume").path("responses").propertyNames()).contains("400", "409", "422");
	}

	@Test
	void liveStreamsAreServerSentEvents() {
		// when
		var stream = operations.get("GET /v1/batches/{id}/events")
			.path("responses")
			.path("200")
			.path("content")
			.path("text/event-stream")
			.path("schema");

		// then
		assertThat(stream.path("type").asString("")).isEqualTo("string");
		assertThat(stream.path("description").asString("")).contains("Last-Event-ID");
		assertThat(docs.path("components").path("schemas").has("SseEmitter")).as("the emitter's Java properties")
			.isFalse();
	}

	@Test
	void documentIsValidOpenApi() {
		// given
		var options = new ParseOptions();
		options.setValidateInternalRefs(true);

		// when
		var result = new OpenAPIV3Parser().readContents(docs.toString(), null, options);

		// then
		assertThat(result.getOpenAPI()).isNotNull();
		assertThat(result.getMessages()).as("errors and warnings of swagger-parser").isEmpty();
	}

	@Test
	void validationFindsAnInvalidDocument() {
		// given: the document without its info, and with an operation's answers in a
		// text
		var broken = (ObjectNode) docs.deepCopy();
		broken.remove("info");
		((ObjectNode) broken.path("paths").path("/v1/consume").path("post")).put("responses", "none");

		// when
		var options = new ParseOptions();
		options.setValidateInternalRefs(true);
		var result = new OpenAPIV3Parser().readContents(broken.toString(), null, options);

		// then
		assertThat(result.getMessages()).anyMatch(message -> message.contains("info"))
			.anyMatch(message -> message.contains("responses"));
	}

	@Test
	void everyReferenceLeadsToASchema() {
		// when
		var references = new TreeSet<String>();
		collectReferences(docs, references);

		// then
		assertThat(references).isNotEmpty()
			.allSatisfy(reference -> assertThat(docs.at(reference.substring(1)).isObject()).as(reference).isTrue())
			.allMatch(reference -> reference.startsWith("#/components/schemas/")
					|| reference.startsWith("#/components/examples/"));
	}

	private List<String> schemes(String operation) {
		var names = new ArrayList<String>();
		operations.get(operation).path("security").forEach(requirement -> names.addAll(requirement.propertyNames()));
		return names;
	}

	/**
	 * The types behind each schema name, resolved by the model converters the document is
	 * generated with (Jackson's view of the type, {@code @Schema} names, generic
	 * wrappers), all in one context as in the document.
	 */
	private static Map<String, Set<String>> schemaNames(List<Type> types) {
		var named = new TreeMap<String, Set<String>>();
		var context = new ModelConverterContextImpl(ModelConverters.getInstance(true).getConverters()) {

			@Override
			public void defineModel(String name, Schema model, AnnotatedType type, String prevName) {
				super.defineModel(name, model, type, prevName);
				if (type != null && type.getType() != null) {
					named.computeIfAbsent(name, n -> new TreeSet<>())
						.add(Json.mapper().constructType(type.getType()).toCanonical());
				}
			}

			@Override
			public void defineModel(String name, Schema model, Type type, String prevName) {
				super.defineModel(name, model, type, prevName);
				if (type != null) {
					named.computeIfAbsent(name, n -> new TreeSet<>())
						.add(Json.mapper().constructType(type).toCanonical());
				}
			}

		};
		for (var type : types) {
			if (type != void.class && type != Void.class) {
				context.resolve(new AnnotatedType(type).resolveAsRef(true));
			}
		}
		return named;
	}

	/** Two records sharing a simple name, as records in two packages may. */
	record Clashing(First.Twin first, Second.Twin second) {

		static class First {

			record Twin(String a) {
			}

		}

		static class Second {

			record Twin(int b) {
			}

		}

	}

	private static void collectReferences(JsonNode node, Set<String> into) {
		if (node.isObject()) {
			node.properties().forEach(property -> {
				if (property.getKey().equals("$ref") && property.getValue().isString()) {
					into.add(property.getValue().asString());
				}
				else {
					collectReferences(property.getValue(), into);
				}
			});
		}
		else if (node.isArray()) {
			node.forEach(element -> collectReferences(element, into));
		}
	}

}
