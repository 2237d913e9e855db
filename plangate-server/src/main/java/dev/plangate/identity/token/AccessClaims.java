package dev.plangate.identity.token;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What a verified access token says.
 *
 * @param subject the account id, or {@code customer:<customerId>} for a customer-scoped
 * token
 * @param customerId the customer whose plan and usage the token may read
 * @param roles {@code user}, {@code admin}, {@code superadmin} for account tokens;
 * {@code customer} for customer-scoped ones
 * @param plan the customer's plan key when the token was issued, if known
 * @param sessionId the login session of an account token
 * @param tokenId the token's {@code jti}
 * @param issuedAt the token's stamp ({@code iat_ms}): its issue time to the millisecond,
 * ordered after the revocations made before it; a token issued before tokens carried a
 * stamp has its {@code iat} here
 * @param impersonation set on an impersonation token: the operator viewing as the account
 * ({@code act}) and whether it may change anything
 */
public record AccessClaims(String subject, @Nullable String customerId, List<String> roles, @Nullable String plan,
		@Nullable UUID sessionId, String tokenId, Instant issuedAt, Instant expiresAt, TokenKind kind,
		@Nullable Impersonation impersonation) {

	public AccessClaims(String subject, @Nullable String customerId, List<String> roles, @Nullable String plan,
			@Nullable UUID sessionId, String tokenId, Instant issuedAt, Instant expiresAt, TokenKind kind) {
		this(subject, customerId, roles, plan, sessionId, tokenId, issuedAt, expiresAt, kind, null);
	}

	/**
	 * What makes a token an impersonation: RFC 8693's {@code act} claim naming the
	 * operator's account ({@code act.sub}), and {@code imp_mode}.
	 *
	 * @param operatorId the operator's account id
	 * @param readOnly whether only reading requests (GET, HEAD, OPTIONS) are allowed
	 */
	public record Impersonation(UUID operatorId, boolean readOnly) {

		public String mode() {
			return readOnly ? "read_only" : "read_write";
		}

	}

	public boolean isImpersonation() {
		return impersonation != null;
	}

	/** The subject of the customer-scoped tokens of {@code customerId}. */
	public static String customerSubject(String customerId) {
		return "customer:" + customerId;
	}

	public AccessClaims {
		roles = List.copyOf(roles);
	}

}
