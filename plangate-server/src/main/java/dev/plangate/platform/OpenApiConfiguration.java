package dev.plangate.platform;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
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
import tools.jackson.databind.JsonNode;

/** The API document's cover: what Plangate is, how to authenticate, how errors look. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String SERVER_KEY = "serverKey";

	static final String PROBLEM = "Problem";

	private static final String ANY_JSON_VALUE = "Any JSON value";

	static {
		// values read as JSON trees are any JSON value, not the tree's Java properties
		SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new Schema<>().description(ANY_JSON_VALUE));
		// a live stream is text/event-stream, not the emitter's Java properties
		SpringDocUtils.getConfig()
			.replaceWithSchema(SseEmitter.class,
					new StringSchema().description("Server-Sent Events: each event is named by its type, its `id` "
							+ "resumes the stream (as `Last-Event-ID`), and its `data` is one JSON item of the same "
							+ "operation's `application/json` answer"));
	}

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
	 * The refusals every operation may answer, so that generated clients know their
	 * shape: 400 for bad input wherever a request carries any, 415 wherever it carries a
	 * body, 401 and 403 wherever a credential is needed, 404 wherever the path names
	 * something, and problem details for any other error; and the {@code Idempotency-Key}
	 * header with its refusals (400, 409, 422). Runs after the customizers that set each
	 * operation's credentials.
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
							.required(List.of("type", "title", "status", "code")));
			var seen = Collections.<Schema<?>>newSetFromMap(new IdentityHashMap<>());
			openApi.getComponents().getSchemas().values().forEach(schema -> untypeAnyJsonValues(schema, seen));
			if (openApi.getPaths() == null) {
				return;
			}
			var everyOperationSecured = openApi.getSecurity() != null && !openApi.getSecurity().isEmpty();
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				boolean secured = operation.getSecurity() == null ? everyOperationSecured
						: !operation.getSecurity().isEmpty();
				if (declareIdempotencyKey(method, operation, secured)) {
					addIfAbsent(operation.getResponses(), "409",
							"A request with the same `Idempotency-Key` is still being handled "
									+ "(`idempotency_key_in_use`, with `Retry-After`)");
					addIfAbsent(operation.getResponses(), "422",
							"The `Idempotency-Key` was used for another request (`idempotency_key_reused`)");
				}
				boolean body = operation.getRequestBody() != null;
				boolean parameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
				if (body || parameters) {
					addIfAbsent(operation.getResponses(), "400",
							"Bad input (`invalid_request`, `malformed_json`): "
									+ "a malformed or wrongly typed body, an invalid parameter, a control character, "
									+ "percent-encoding that is not UTF-8; `errors` names each bad field");
				}
				if (secured) {
					addIfAbsent(operation.getResponses(), "401",
							"No credential, or one that is not valid (`unauthenticated`): unknown, expired or revoked");
					addIfAbsent(operation.getResponses(), "403",
							"The credential may not do this (`forbidden`), or acts for a customer that is "
									+ "suspended (`customer_suspended`)");
				}
				if (path.contains("{")) {
					addIfAbsent(operation.getResponses(), "404",
							"The path names nothing that exists, or nothing this credential may see "
									+ "(`customer_not_found`, `batch_not_found`, … : `<what>_not_found`)");
				}
				if (body) {
					addIfAbsent(operation.getResponses(), "415",
							"The body is not `application/json` in UTF-8 (`unsupported_media_type`)");
				}
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

}
