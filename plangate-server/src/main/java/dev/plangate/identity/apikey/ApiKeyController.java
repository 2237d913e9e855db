package dev.plangate.identity.apikey;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping("/v1/api-keys")
@Tag(name = "API keys")
class ApiKeyController {

	private final ApiKeyService keys;

	ApiKeyController(ApiKeyService keys) {
		this.keys = keys;
	}

	/**
	 * @param kind {@code server} (the default) or {@code worker}
	 */
	record CreateApiKey(@NotBlank @Size(max = 200) String name,
			@Nullable @Pattern(regexp = "server|worker", message = "must be 'server' or 'worker'") String kind) {
	}

	/** A key as listed: the prefix tells keys apart, the secret is never shown again. */
	record ApiKeyView(UUID id, String name, String kind, String prefix, String status, Instant createdAt,
			String createdBy, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt, @Nullable String secret) {

		static ApiKeyView of(ApiKey key, @Nullable String secret) {
			return new ApiKeyView(key.id(), key.name(), key.kind().id(), key.prefix(),
					key.isActive() ? "active" : "revoked", key.createdAt(), key.createdBy(), key.lastUsedAt(),
					key.revokedAt(), secret);
		}
	}

	@GetMapping
	@Operation(operationId = "listApiKeys", summary = "List API keys (prefixes only)")
	Page<ApiKeyView> list() {
		return Page.of(keys.list().stream().map(k -> ApiKeyView.of(k, null)).toList());
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createApiKey", summary = "Create an API key",
			description = "A `server` key (`pg_sk_…`, the default) may call everything; a `worker` key (`pg_wk_…`) "
					+ "only the worker API, for the processes that run batch operations. The answer holds `secret`, "
					+ "shown this once only: a replay of the request with the same Idempotency-Key answers the same "
					+ "key without its secret.")
	ApiKeyView create(@Valid @RequestBody CreateApiKey request) {
		var created = keys.create(request.name().strip(),
				request.kind() == null ? ApiKeyKind.SERVER : ApiKeyKind.of(request.kind()));
		Idempotency.replayInstead(ApiKeyView.of(created.key(), null));
		return ApiKeyView.of(created.key(), created.secret());
	}

	@Refusals({ ErrorCode.LAST_API_KEY })
	@DeleteMapping("/{id}")
	@Operation(operationId = "revokeApiKey", summary = "Revoke an API key",
			description = "Takes effect at once on this node and within the key cache TTL on others. "
					+ "The last active server key cannot be revoked (409 `last_api_key`).")
	ApiKeyView revoke(@PathVariable UUID id) {
		return ApiKeyView.of(keys.revoke(id), null);
	}

}
