package dev.plangate.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/** The API document's cover: what Plangate is, how to authenticate, how errors look. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String SERVER_KEY = "serverKey";

	static final String PROBLEM = "Problem";

	/** The problem of a refused decision, carrying the decision's figures. */
	static final String DECISION_REFUSAL = "DecisionRefusal";

	/**
	 * The codes each documented refusal answers with, a list in the response's
	 * {@value} extension.
	 */
	static final String CODES = "x-problem-codes";

	/**
	 * The events an event stream sends, by name, each with the schema of its data: the
	 * stream answer's {@value} extension.
	 */
	static final String EVENTS = "x-sse-events";

	private static final String STREAM_END = "StreamEnd";

	static final String REQUEST_EXAMPLES = "openapi/request-examples.json";

	/** The refusals of a decision: their problems carry the decision's figures. */
	private static final Set<ErrorCode> DECISIONS = EnumSet.of(ErrorCode.FEATURE_NOT_IN_PLAN, ErrorCode.QUOTA_EXCEEDED,
			ErrorCode.SUBSCRIPTION_INACTIVE, ErrorCode.CUSTOMER_SUSPENDED, ErrorCode.RATE_LIMITED,
			ErrorCode.CONCURRENCY_LIMIT_REACHED);

	private static final String ANY_JSON_VALUE = "Any JSON value";

	/**
	 * The operations' groups, in the order of the README's "API at a glance", which names
	 * them; a group not named here follows them.
	 */
	static final List<String> TAGS = List.of("Catalog", "Customers", "Subscriptions", "Billing", "Enforcement", "Usage",
			"Usage alerts", "Concurrency leases", "Grants", "Batches", "Workers", "Plan administration", "Audit log",
			"Events", "Mail outbox", "Webhooks", "API keys", "Accounts", "Tokens", "Me", "Organizations");

	static {
		// values read as JSON trees are any JSON value, not the tree's Java properties
		SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new Schema<>().description(ANY_JSON_VALUE));
		// so are values passed through as the JSON text they were stored as
		SpringDocUtils.getConfig().replaceWithSchema(RawValue.class, new Schema<>().description(ANY_JSON_VALUE));
		// a live stream is text/event-stream, not the emitter's Java properties
		SpringDocUtils.getConfig()
			.replaceWithSchema(SseEmitter.class,
					new StringSchema().description("Server-Sent Events: each event is named by its type, its `id` "
							+ "resumes the stream (as `Last-Event-ID`), and its `data` is one JSON item of the same "
							+ "operation's `application/json` answer"));
	}

	/** The event streams' operations, by operation id, with the events they send. */
	private final Map<String, ServerSentEvents> streams = new ConcurrentHashMap<>();

	@Bean
	OpenAPI plangateOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Plangate API")
				.version("v1")
				.license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0"))
				.description("""
						Plans, entitlements and limits for SaaS products.

						Authenticate with a server key: `Authorization: Bearer pg_sk_…`. Only the plan list is public.

						Every error is `application/problem+json` (RFC 9457) with a stable `code` member and, for bad \
						input, `errors: [{field, message}]`. POST and DELETE accept an `Idempotency-Key` header."""))
			.components(new Components().addSecuritySchemes(SERVER_KEY,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.bearerFormat("pg_sk_…")
						.description("A server API key")))
			.addSecurityItem(new SecurityRequirement().addList(SERVER_KEY));
	}

	/**
	 * The refusals an operation declares with {@link Refusals}, on itself or on its
	 * controller, each under its status with the codes it answers and an example of each.
	 */
	@Bean
	OperationCustomizer declaredRefusals() {
		return (operation, handler) -> {
			var codes = new ArrayList<ErrorCode>();
			for (var declared : new Refusals[] { handler.getMethodAnnotation(Refusals.class),
					handler.getBeanType().getAnnotation(Refusals.class) }) {
				if (declared != null) {
					codes.addAll(List.of(declared.value()));
				}
			}
			var byStatus = new LinkedHashMap<Integer, List<ErrorCode>>();
			for (var code : codes) {
				byStatus.computeIfAbsent(code.status().value(), status -> new ArrayList<>()).add(code);
			}
			byStatus.forEach((status, listed) -> addCodes(operation.getResponses(), String.valueOf(status), null,
					listed.toArray(ErrorCode[]::new)));
			return operation;
		};
	}

	/**
	 * Shows a request for the main operations: the examples of
	 * {@code openapi/request-examples.json}, by operation id, each a request the server
	 * accepts (a test sends every one).
	 */
	@Bean
	OpenApiCustomizer requestExamples() {
		Map<String, Map<String, Object>> examples;
		try (var in = new ClassPathResource(REQUEST_EXAMPLES).getInputStream()) {
			examples = JsonMapper.builder().build().readValue(in, new TypeReference<>() {
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return openApi -> {
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
				var example = examples.get(operation.getOperationId());
				var body = operation.getRequestBody() == null || operation.getRequestBody().getContent() == null ? null
						: operation.getRequestBody().getContent().get("application/json");
				if (example != null && body != null) {
					body.addExamples(operation.getOperationId(),
							new Example().summary((String) example.get("summary")).value(example.get("value")));
				}
			}));
		};
	}

	/** Notes the event streams' operations, which are described once all are known. */
	@Bean
	OperationCustomizer eventStreams() {
		return (operation, handler) -> {
			var declared = handler.getMethodAnnotation(ServerSentEvents.class);
			if (declared != null && operation.getOperationId() != null) {
				streams.put(operation.getOperationId(), declared);
			}
			return operation;
		};
	}

	/**
	 * Names the events of each {@code text/event-stream} answer declared with
	 * {@link ServerSentEvents}, with the schema of their data, under {@value #EVENTS}.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	OpenApiCustomizer eventStreamEvents() {
		return openApi -> {
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
				var declared = streams.get(operation.getOperationId());
				var answer = operation.getResponses() == null ? null : operation.getResponses().get("200");
				var stream = answer == null || answer.getContent() == null ? null
						: answer.getContent().get(org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE);
				if (declared == null || stream == null) {
					return;
				}
				var resolved = ModelConverters.getInstance(true)
					.readAllAsResolvedSchema(new AnnotatedType(declared.data()).resolveAsRef(true));
				resolved.referencedSchemas.forEach((name, schema) -> {
					if (openApi.getComponents().getSchemas() == null
							|| !openApi.getComponents().getSchemas().containsKey(name)) {
						openApi.getComponents().addSchemas(name, schema);
					}
				});
				Map<String, Object> events = new LinkedHashMap<>();
				for (var name : declared.value()) {
					events.put(name, Map.of("$ref", resolved.schema.get$ref()));
				}
				for (var name : declared.closing()) {
					events.put(name, Map.of("$ref", "#/components/schemas/" + STREAM_END));
				}
				stream.addExtension(EVENTS, events);
				if (declared.closing().length > 0) {
					openApi.getComponents()
						.addSchemas(STREAM_END,
								new ObjectSchema()
									.description("Why the server ended an event stream; the client reconnects with "
											+ "`Last-Event-ID` set to `lastSeq` to read on")
									.addProperty("code", new StringSchema())
									.addProperty("detail", new StringSchema())
									.addProperty("lastSeq", new IntegerSchema().format("int64")));
				}
			}));
		};
	}

	/**
	 * The refusals every operation may answer, each status with the codes it answers
	 * ({@value #CODES}) and an example of each, so that generated clients know what to
	 * expect where: 400 for bad input, 401 and 403 wherever a credential is needed, 404
	 * with the not-found code of each thing the path names ({@link NotFound}) or the
	 * customer a {@code customerId} names, 409 {@code customer_deleted} for a change to a
	 * customer, 406, 413 and 415 for the media types and sizes, and problem details for
	 * any other error; and the {@code Idempotency-Key} header with its refusals (409,
	 * 422). An operation's own refusals come from its {@link Refusals}. Runs after the
	 * customizers that set each operation's credentials.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	OpenApiCustomizer errorAnswers() {
		return openApi -> {
			var field = new ObjectSchema().addProperty("field", new StringSchema())
				.addProperty("message", new StringSchema());
			openApi.getComponents()
				.addSchemas(PROBLEM,
						new ObjectSchema().description("RFC 9457 problem details with Plangate's stable `code`")
							.addProperty("type", new StringSchema().format("uri"))
							.addProperty("title", new StringSchema())
							.addProperty("status", new IntegerSchema())
							.addProperty("detail", new StringSchema())
							.addProperty("instance", new StringSchema().format("uri-reference"))
							.addProperty("code", new StringSchema())
							.addProperty("errors", new ArraySchema().items(field))
							.required(List.of("type", "title", "status", "code")))
				.addSchemas(DECISION_REFUSAL, decisionRefusal());
			for (var code : ErrorCode.values()) {
				Map<String, Object> example = new LinkedHashMap<>();
				example.put("type", "https://plangate.dev/problems/" + code.code().replace('_', '-'));
				example.put("title", code.title());
				example.put("status", code.status().value());
				example.put("code", code.code());
				openApi.getComponents().addExamples(code.code(), new Example().summary(code.title()).value(example));
			}
			var seen = Collections.<Schema<?>>newSetFromMap(new IdentityHashMap<>());
			openApi.getComponents().getSchemas().values().forEach(schema -> untypeAnyJsonValues(schema, seen));
			if (openApi.getPaths() == null) {
				return;
			}
			var named = new ArrayList<>(TAGS);
			openApi.getPaths()
				.values()
				.forEach(item -> item.readOperations()
					.stream()
					.filter(operation -> operation.getTags() != null)
					.forEach(operation -> operation.getTags()
						.stream()
						.filter(t -> !named.contains(t))
						.forEach(named::add)));
			openApi.setTags(named.stream().map(name -> new Tag().name(name)).toList());
			var everyOperationSecured = openApi.getSecurity() != null && !openApi.getSecurity().isEmpty();
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				boolean secured = operation.getSecurity() == null ? everyOperationSecured
						: !operation.getSecurity().isEmpty();
				if (declareIdempotencyKey(method, operation, secured)) {
					addCodes(operation.getResponses(), "409",
							"A request with the same `Idempotency-Key` is still being handled "
									+ "(`idempotency_key_in_use`, with `Retry-After`)",
							ErrorCode.IDEMPOTENCY_KEY_IN_USE);
					addCodes(operation.getResponses(), "422",
							"The `Idempotency-Key` was used for another request (`idempotency_key_reused`)",
							ErrorCode.IDEMPOTENCY_KEY_REUSED);
				}
				boolean body = operation.getRequestBody() != null;
				if (body) {
					addCodes(operation.getResponses(), "400",
							"Bad input (`invalid_request`, `malformed_json`): "
									+ "a malformed or wrongly typed body, an invalid parameter, a control character, "
									+ "percent-encoding that is not UTF-8; `errors` names each bad field",
							ErrorCode.INVALID_REQUEST, ErrorCode.MALFORMED_JSON);
				}
				else {
					addCodes(operation.getResponses(), "400",
							"Bad input (`invalid_request`): an invalid parameter, a control character, "
									+ "percent-encoding that is not UTF-8; `errors` names each bad field",
							ErrorCode.INVALID_REQUEST);
				}
				if (secured) {
					addCodes(operation.getResponses(), "401",
							"No credential, or one that is not valid (`unauthenticated`): unknown, expired or revoked",
							ErrorCode.UNAUTHENTICATED);
					addCodes(operation.getResponses(), "403",
							"The credential may not do this (`forbidden`), or acts for a customer that is "
									+ "suspended (`customer_suspended`)",
							ErrorCode.FORBIDDEN, ErrorCode.CUSTOMER_SUSPENDED);
					if (path.startsWith("/v1/me") && method != PathItem.HttpMethod.GET) {
						addCodes(operation.getResponses(), "403", null, ErrorCode.IMPERSONATION_READ_ONLY);
					}
				}
				boolean customer = path.contains("/customers/{") || path.startsWith("/v1/me")
						|| namesCustomer(openApi, operation);
				var missing = new ArrayList<>(NotFound.codes(path));
				if (customer && !missing.contains(ErrorCode.CUSTOMER_NOT_FOUND) && !path.startsWith("/v1/me")) {
					missing.add(ErrorCode.CUSTOMER_NOT_FOUND);
				}
				if (!missing.isEmpty()) {
					addCodes(operation.getResponses(), "404",
							"The path or the request names something that does not exist, or that this credential "
									+ "may not see",
							missing.toArray(ErrorCode[]::new));
				}
				if (customer && method != PathItem.HttpMethod.GET) {
					addCodes(operation.getResponses(), "409", "The customer is deleted (`customer_deleted`)",
							ErrorCode.CUSTOMER_DELETED);
				}
				addCodes(operation.getResponses(), "406",
						"The `Accept` header names no media type this operation answers (`not_acceptable`)",
						ErrorCode.NOT_ACCEPTABLE);
				addCodes(operation.getResponses(), "413",
						"The body is over `PLANGATE_MAX_REQUEST_SIZE` (`payload_too_large`)",
						ErrorCode.PAYLOAD_TOO_LARGE);
				addCodes(operation.getResponses(), "415",
						"A body that is not `application/json` in UTF-8 (`unsupported_media_type`)",
						ErrorCode.UNSUPPORTED_MEDIA_TYPE);
				addIfAbsent(operation.getResponses(), "default",
						"Any other refusal or failure, with its stable `code`: for example 402 when the plan "
								+ "does not allow it (`quota_exceeded`, `feature_not_in_plan`), 409 when the state "
								+ "forbids it (`plan_exists`, `batch_finished`, …), 413 `payload_too_large`, 429 "
								+ "`rate_limited` with `Retry-After`, 503 `ledger_busy`");
			}));
		};
	}

	/**
	 * Declares the {@code Idempotency-Key} header where {@link IdempotencyFilter} honours
	 * it: on each POST and DELETE that takes a credential (a public one has no caller to
	 * keep its answer for).
	 */
	private static boolean declareIdempotencyKey(PathItem.HttpMethod method, Operation operation, boolean secured) {
		if (!secured || !(method == PathItem.HttpMethod.POST || method == PathItem.HttpMethod.DELETE)) {
			return false;
		}
		var declared = operation.getParameters() == null ? null
				: operation.getParameters()
					.stream()
					.filter(p -> "header".equals(p.getIn()) && IdempotencyFilter.HEADER.equalsIgnoreCase(p.getName()))
					.findFirst()
					.orElse(null);
		if (declared == null) {
			declared = new HeaderParameter().name(IdempotencyFilter.HEADER)
				.required(false)
				.schema(new StringSchema().pattern("^[\\x21-\\x7E]{1,255}$"));
			operation.addParametersItem(declared);
		}
		if (declared.getDescription() == null) {
			declared.description("Makes a retry safe: the same request with the same key (per credential) is "
					+ "handled once, then its answer replayed with `Idempotent-Replayed: true` for "
					+ "`PLANGATE_IDEMPOTENCY_TTL`; the same key with another request is 422 "
					+ "`idempotency_key_reused`, a repeat while the first runs 409 `idempotency_key_in_use`");
		}
		return true;
	}

	/**
	 * Whether the operation names a customer by a {@code customerId} parameter or member
	 * of its body (or of the body's items).
	 */
	private static boolean namesCustomer(OpenAPI openApi, Operation operation) {
		if (operation.getParameters() != null
				&& operation.getParameters().stream().anyMatch(p -> "customerId".equals(p.getName()))) {
			return true;
		}
		var body = operation.getRequestBody() == null || operation.getRequestBody().getContent() == null ? null
				: operation.getRequestBody().getContent().get("application/json");
		return body != null && hasCustomerId(openApi, body.getSchema(), 0);
	}

	private static boolean hasCustomerId(OpenAPI openApi, @Nullable Schema<?> schema, int depth) {
		if (schema == null || depth > 3) {
			return false;
		}
		if (schema.get$ref() != null) {
			var name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
			return hasCustomerId(openApi, openApi.getComponents().getSchemas().get(name), depth + 1);
		}
		if (schema.getProperties() != null) {
			if (schema.getProperties().containsKey("customerId")) {
				return true;
			}
			for (var property : schema.getProperties().values()) {
				if (property.getItems() != null && hasCustomerId(openApi, property.getItems(), depth + 1)) {
					return true;
				}
			}
		}
		return hasCustomerId(openApi, schema.getItems(), depth + 1);
	}

	/**
	 * A JSON tree's schema says nothing of its type: springdoc gives it {@code object},
	 * which would refuse the arrays, texts and numbers it may hold.
	 */
	private static void untypeAnyJsonValues(@Nullable Schema<?> schema, Set<Schema<?>> seen) {
		if (schema == null || !seen.add(schema)) {
			return;
		}
		if (ANY_JSON_VALUE.equals(schema.getDescription()) && schema.get$ref() == null) {
			schema.setType(null);
			schema.setTypes(null);
		}
		if (schema.getProperties() != null) {
			schema.getProperties().values().forEach(property -> untypeAnyJsonValues(property, seen));
		}
		untypeAnyJsonValues(schema.getItems(), seen);
		if (schema.getAdditionalProperties() instanceof Schema<?> values) {
			untypeAnyJsonValues(values, seen);
		}
	}

	private static void addIfAbsent(ApiResponses responses, String status, String description) {
		if (responses != null && !responses.containsKey(status)) {
			Schema<?> problem = new Schema<>().$ref("#/components/schemas/" + PROBLEM);
			responses.addApiResponse(status, new ApiResponse().description(description)
				.content(new Content().addMediaType("application/problem+json", new MediaType().schema(problem))));
		}
	}

	/**
	 * Documents refusal {@code codes} under {@code status}: the response (made with
	 * {@code description} when absent; from the codes' titles when that is null too) and,
	 * on an operation that declares its {@link Refusals} (a null description), the
	 * {@value #CODES} list with an example of each code.
	 */
	private static void addCodes(@Nullable ApiResponses responses, String status, @Nullable String description,
			ErrorCode... codes) {
		if (responses == null) {
			return;
		}
		boolean decision = codes.length > 0 && DECISIONS.containsAll(List.of(codes));
		if (!responses.containsKey(status)) {
			var text = description;
			if (text == null) {
				var parts = new ArrayList<String>();
				for (var code : codes) {
					parts.add("`" + code.code() + "`: " + code.title());
				}
				text = String.join("; ", parts);
			}
			Schema<?> schema = new Schema<>().$ref("#/components/schemas/" + (decision ? DECISION_REFUSAL : PROBLEM));
			var answer = new ApiResponse().description(text)
				.content(new Content().addMediaType("application/problem+json", new MediaType().schema(schema)));
			if (status.equals("429")) {
				answer.addHeaderObject("Retry-After",
						new Header().description("Seconds until a retry may pass").schema(new IntegerSchema()));
				answer.addHeaderObject("RateLimit-Policy",
						new Header()
							.description("The limit refused (IETF RateLimit fields): "
									+ "`\"<feature>\";q=<limit>;w=<window seconds>`")
							.schema(new StringSchema()));
				answer.addHeaderObject("RateLimit",
						new Header().description("What is left: `\"<feature>\";r=<remaining>;t=<seconds until full>`")
							.schema(new StringSchema()));
			}
			responses.addApiResponse(status, answer);
		}
		var answer = responses.get(status);
		@SuppressWarnings("unchecked")
		var listed = answer.getExtensions() == null ? null : (List<String>) answer.getExtensions().get(CODES);
		if (listed == null) {
			listed = new ArrayList<>();
			answer.addExtension(CODES, listed);
		}
		var media = answer.getContent() == null ? null : answer.getContent().get("application/problem+json");
		for (var code : codes) {
			if (listed.contains(code.code())) {
				continue;
			}
			listed.add(code.code());
			if (media != null) {
				media.addExamples(code.code(), new Example().$ref("#/components/examples/" + code.code()));
			}
		}
	}

	/** A refused decision's problem: the problem's members and the decision's figures. */
	private static Schema<?> decisionRefusal() {
		var figures = new ObjectSchema().addProperty("allowed", new BooleanSchema())
			.addProperty("customerId", new StringSchema())
			.addProperty("feature", new StringSchema())
			.addProperty("amount", new IntegerSchema().format("int64"))
			.addProperty("limit", new IntegerSchema().format("int64"))
			.addProperty("used", new IntegerSchema().format("int64"))
			.addProperty("held", new IntegerSchema())
			.addProperty("remaining", new IntegerSchema().format("int64"))
			.addProperty("resetsAt", new DateTimeSchema())
			.addProperty("upgradePlan", new StringSchema().description("The cheapest plan that would allow it"))
			.addProperty("grantsRemaining", new IntegerSchema().format("int64"))
			.addProperty("overageCap", new IntegerSchema().format("int64"))
			.addProperty("duplicate", new BooleanSchema())
			.addProperty("windowSeconds",
					new IntegerSchema().format("int64").description("A rate's window, in which it allows `limit`"))
			.addProperty("retryAfter",
					new IntegerSchema().format("int64").description("Seconds until a retry may pass"));
		return new ComposedSchema()
			.description("A refused decision: the problem with the decision's figures (absent where they do not apply)")
			.addAllOfItem(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
			.addAllOfItem(figures);
	}

}
