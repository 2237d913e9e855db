package dev.plangate.identity.token;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@Tag(name = "Tokens")
class JwksController {

	/**
	 * How long a verifier may keep the key set; a successor key is published long before
	 * it signs.
	 */
	static final Duration MAX_AGE = Duration.ofMinutes(5);

	private final SigningKeys keys;

	JwksController(SigningKeys keys) {
		this.keys = keys;
	}

	@GetMapping("/.well-known/jwks.json")
	@SecurityRequirements
	@Operation(operationId = "getJwks", summary = "The public keys that verify Plangate's access tokens (JWKS)",
			description = "Public, cacheable. Every key that signed a token still valid, and the next key a while "
					+ "before it starts to sign; each with its `kid`, ES256 on P-256.")
	ResponseEntity<Map<String, Object>> jwks() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.maxAge(MAX_AGE).cachePublic())
			.contentType(MediaType.parseMediaType("application/jwk-set+json"))
			.body(keys.publicKeys().toJSONObject(true));
	}

}
