package dev.plangate.identity;

import java.time.Instant;
import java.util.List;
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

import dev.plangate.platform.Idempotency;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping("/v1/api-keys")
@Tag(name = "API keys")
class ApiKeyController {

	private final ApiKeyService keys;

	ApiKeyController(ApiKeyService keys) {
		this.keys = keys;
	}

	record CreateKey(@NotBlank @Size(max = 200) String name) {
	}

	/** A key as listed: the prefix tells keys apart, the secret is never shown again. */
	record KeyView(UUID id, String name, String prefix, String status, Instant createdAt, String createdBy,
			@Nullable Instant lastUsedAt, @Nullable Instant revokedAt, @Nullable String secret) {

		static KeyView of(ApiKey key, @Nullable String secret) {
			return new KeyView(key.id(), key.name(), key.prefix(), key.isActive() ? "active" : "revoked",
					key.createdAt(), key.createdBy(), key.lastUsedAt(), key.revokedAt(), secret);
		}
	}

	@GetMapping
	@Operation(summary = "List server API keys (prefixes only)")
	List<KeyView> list() {
		return keys.list().stream().map(k -> KeyView.of(k, null)).toList();
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create a server API key",
			description = "The answer holds `secret`, shown this once only: a replay of the request with the same "
					+ "Idempotency-Key answers the same key without its secret.")
	KeyView create(@Valid @RequestBody CreateKey request) {
		var created = keys.create(request.name().strip());
		Idempotency.replayInstead(KeyView.of(created.key(), null));
		return KeyView.of(created.key(), created.secret());
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Revoke a server API key",
			description = "Takes effect at once on this node and within the key cache TTL on others. "
					+ "The last active key cannot be revoked (409 `last_api_key`).")
	KeyView revoke(@PathVariable UUID id) {
		return KeyView.of(keys.revoke(id), null);
	}

}
