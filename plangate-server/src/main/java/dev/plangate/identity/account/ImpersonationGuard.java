package dev.plangate.identity.account;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.plangate.identity.token.AccessClaims;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an impersonation token may do, after it authenticated the request: never the
 * account's security (sign-in, keys, password, address, second factor, sessions, tokens
 * for an organization) nor the back office; in read-only mode, no change at all (403
 * {@code impersonation_read_only}). Every request it makes, refused or not, is audited as
 * {@code impersonation.request} with the operator as {@code impersonatedBy}.
 */
public class ImpersonationGuard extends OncePerRequestFilter {

	private static final Set<String> READING = Set.of("GET", "HEAD", "OPTIONS");

	/** Never changed under an impersonation, whatever its mode. */
	private static final List<String> ACCOUNT_SECURITY = List.of("/v1/me/api-keys", "/v1/me/password", "/v1/me/email",
			"/v1/me/two-factor", "/v1/me/sessions", "/v1/me/invitations", "/v1/customer-tokens");

	private final Impersonations impersonations;

	private final JsonMapper json;

	public ImpersonationGuard(Impersonations impersonations, JsonMapper json) {
		this.impersonations = impersonations;
		this.json = json;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !(authentication.getPrincipal() instanceof TokenPrincipal token)
				|| !token.claims().isImpersonation()) {
			chain.doFilter(request, response);
			return;
		}
		var claims = token.claims();
		var impersonation = claims.impersonation();
		var path = request.getRequestURI().substring(request.getContextPath().length());
		var method = request.getMethod();
		boolean reading = READING.contains(method);
		if (path.startsWith("/v1/auth/") || path.equals("/v1/admin") || path.startsWith("/v1/admin/")
				|| (!reading && (ACCOUNT_SECURITY.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))
						|| path.matches("/v1/me/organizations/[^/]+/token")))) {
			refuse(request, response, claims, method, path, ErrorCode.IMPERSONATION_NOT_ALLOWED,
					"An impersonation token may not sign in or out, mint tokens, create keys, change the "
							+ "password, address, second factor or sessions, nor use the back office");
			return;
		}
		if (!reading && impersonation != null && impersonation.readOnly()) {
			refuse(request, response, claims, method, path, ErrorCode.IMPERSONATION_READ_ONLY,
					"This impersonation is read-only: " + method
							+ " changes things. An admin may start a read_write one");
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			impersonations.recordRequest(claims, method, path, response.getStatus());
		}
	}

	/**
	 * Audits a refused request, then answers it: writing the problem completes the
	 * response, so a caller that reads the audit trail on its answer finds the request
	 * there.
	 */
	private void refuse(HttpServletRequest request, HttpServletResponse response, AccessClaims claims, String method,
			String path, ErrorCode code, String detail) throws IOException {
		impersonations.recordRequest(claims, method, path, code.status().value());
		ProblemResponses.write(request, response, json, code, detail);
	}

}
