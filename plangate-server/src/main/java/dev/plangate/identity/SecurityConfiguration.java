package dev.plangate.identity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import dev.plangate.identity.account.ImpersonationGuard;
import dev.plangate.identity.account.Impersonations;
import dev.plangate.identity.apikey.ApiKeyService;
import dev.plangate.identity.apikey.PersonalApiKeyService;
import dev.plangate.identity.apikey.PersonalKeyCredentials;
import dev.plangate.identity.apikey.ServerKeyCredentials;
import dev.plangate.identity.token.AccessTokenCredentials;
import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.BearerAuthenticationFilter;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.ProblemResponses;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. The plan list, the API documentation, the health probe, the token
 * keys (JWKS) and the sign-in endpoints ({@code /v1/auth/**}) are public; the worker API
 * takes a worker key (or a server key); {@code /v1/me/**} takes an end user's access
 * token, never a server or worker key, and a personal API key too (GET only without the
 * {@code write} scope), but not on {@code /v1/me/api-keys}; the admin API for accounts
 * takes a server key or an operator's (support, admin, superadmin) access token, and so
 * do impersonations and the decision and customer figures; an impersonation token is held
 * to its limits by {@link ImpersonationGuard}; everything else needs a server key, never
 * a token or personal key. Security headers are set for every response by the platform,
 * before this chain runs.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/** Figures of the platform that a support operator's access token may read. */
	static final String[] SUPPORT_READABLE_STATS = { "/v1/admin/stats/decisions", "/v1/admin/stats/customers" };

	/**
	 * The paths most requests take, all for a server key only, as {@code anyRequest}
	 * would decide them: matched before the other rules so that they are not tried
	 * against each of them.
	 */
	static final String[] HOT_SERVER_PATHS = { "/v1/check", "/v1/consume", "/v1/usage-events" };

	/**
	 * No observations of the filter chain, the authentications and the authorizations:
	 * with them on, every filter of every request is wrapped in an observation of its own
	 * (a dozen timers' worth of work and allocation per request, a good part of what the
	 * liveness probe costs), for figures nobody reads: requests are measured once, by
	 * {@code http.server.requests}, whose status tells the refused (401, 403) apart.
	 */
	@Bean
	static SecurityObservationSettings securityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityFilterChain api(HttpSecurity http, ApiKeyService keys, AccessTokens tokens,
			PersonalApiKeyService personalKeys, Impersonations impersonations, JsonMapper json) throws Exception {
		http.csrf(csrf -> csrf.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic(basic -> basic.disable())
			.formLogin(form -> form.disable())
			.logout(logout -> logout.disable())
			.requestCache(cache -> cache.disable())
			// nothing asks the servlet request who the caller is (getUserPrincipal,
			// isUserInRole): the security context says it; without the wrapper that would
			// answer, every read of a request's attribute or header takes one layer less
			.servletApi(servlet -> servlet.disable())
			.addFilterBefore(new BearerAuthenticationFilter(new ServerKeyCredentials(keys),
					new AccessTokenCredentials(tokens), new PersonalKeyCredentials(personalKeys)),
					AnonymousAuthenticationFilter.class)
			.addFilterBefore(new ImpersonationGuard(impersonations, json), AnonymousAuthenticationFilter.class)
			// an async dispatch (a live stream ending) and an error dispatch continue a
			// request whose caller was authorized when it came in: checking them again,
			// without the credential, would refuse a response already under way
			.authorizeHttpRequests(auth -> auth.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
				.permitAll()
				// the decisions and usage, most of the traffic, first: no rule below
				// matches them, so they would reach "anyRequest" after all the others
				.requestMatchers(HOT_SERVER_PATHS)
				.hasRole("SERVER")
				.requestMatchers(HttpMethod.GET, "/v1/plans", "/v1/plans/*")
				.permitAll()
				.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
				.permitAll()
				.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers("/error")
				.permitAll()
				.requestMatchers(HttpMethod.GET, "/.well-known/jwks.json")
				.permitAll()
				// Stripe signs its events: the signature is the credential
				.requestMatchers(HttpMethod.POST, "/v1/billing/stripe/webhook")
				.permitAll()
				// signing out ends the session of an account's access token: no other
				// credential has one
				.requestMatchers("/v1/auth/logout")
				.hasAnyRole("USER", "ADMIN", "SUPERADMIN")
				.requestMatchers("/v1/auth/**")
				.permitAll()
				// the account's own security (keys, password, address, second factor,
				// sessions, acting for an organization) takes an access token, never a
				// personal API key
				.requestMatchers("/v1/me/api-keys", "/v1/me/api-keys/**", "/v1/me/password", "/v1/me/email",
						"/v1/me/email/**", "/v1/me/two-factor", "/v1/me/two-factor/**", "/v1/me/sessions",
						"/v1/me/sessions/**", "/v1/me/organizations/*/token")
				.hasAnyRole("USER", "ADMIN", "SUPERADMIN")
				.requestMatchers(HttpMethod.GET, "/v1/me/**")
				.hasAnyRole("USER", "ADMIN", "SUPERADMIN", "CUSTOMER", "PERSONAL_KEY")
				.requestMatchers("/v1/me/**")
				.hasAnyRole("USER", "ADMIN", "SUPERADMIN", "CUSTOMER", "PERSONAL_KEY_WRITE")
				// admin session control
				.requestMatchers("/v1/admin/accounts", "/v1/admin/accounts/**")
				.hasAnyRole("SERVER", "SUPPORT", "ADMIN", "SUPERADMIN")
				// a server key may look at and end impersonations; starting one names
				// an operator, which Impersonations checks
				.requestMatchers("/v1/admin/impersonations", "/v1/admin/impersonations/**")
				.hasAnyRole("SERVER", "SUPPORT", "ADMIN", "SUPERADMIN")
				// the platform's figures an operator reads, support and up
				.requestMatchers(HttpMethod.GET, SUPPORT_READABLE_STATS)
				.hasAnyRole("SERVER", "SUPPORT", "ADMIN", "SUPERADMIN")
				.requestMatchers("/v1/worker/**")
				.hasAnyRole("SERVER", "WORKER")
				.anyRequest()
				.hasRole("SERVER"))
			.exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, ex) -> {
				if (request.getAttribute(AccessTokenCredentials.INVALID_TOKEN) != null) {
					response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
					ProblemResponses.write(request, response, json, ErrorCode.UNAUTHENTICATED,
							"The access token is not valid: it may be expired, revoked or altered");
				}
				else if (request.getAttribute(PersonalKeyCredentials.INVALID_KEY) != null) {
					response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
					ProblemResponses.write(request, response, json, ErrorCode.UNAUTHENTICATED,
							"The personal API key is not valid: it may be unknown, expired or revoked, "
									+ "or its account suspended");
				}
				else if (isMe(request)) {
					response.setHeader("WWW-Authenticate", "Bearer");
					ProblemResponses.write(request, response, json, ErrorCode.UNAUTHENTICATED,
							"An end user's access token is required: 'Authorization: Bearer <token>'");
				}
				else {
					response.setHeader("WWW-Authenticate", "Bearer");
					ProblemResponses.write(request, response, json, ErrorCode.UNAUTHENTICATED,
							"A valid server API key is required: 'Authorization: Bearer pg_sk_…'");
				}
			}).accessDeniedHandler((request, response, ex) -> {
				var caller = SecurityContextHolder.getContext().getAuthentication();
				boolean token = caller != null && caller.getPrincipal() instanceof TokenPrincipal;
				String detail;
				if (caller instanceof PersonalKeyCredentials.PersonalKeyAuthentication) {
					detail = isMe(request)
							? "This personal API key may not do this: a 'read' key may only GET, and the "
									+ "account's own security (keys, password, address, second factor, sessions, "
									+ "acting for an organization) takes the account's access token"
							: "A personal API key may call /v1/me/… only; this endpoint needs a server key";
				}
				else if (isMe(request) && !token) {
					detail = "/v1/me/… answers for the end user holding an access token (an account's, or a "
							+ "customer-scoped token from POST /v1/customer-tokens); a server key reads "
							+ "/v1/customers/{id}/… instead";
				}
				else if (token) {
					detail = "An end user's access token may call /v1/me/… only; this endpoint needs a server key";
				}
				else {
					detail = "This credential may not do this";
				}
				ProblemResponses.write(request, response, json, ErrorCode.FORBIDDEN, detail);
			}))
			.headers(headers -> headers.defaultsDisabled().cacheControl(cache -> {
			}));
		return http.build();
	}

	private static boolean isMe(HttpServletRequest request) {
		var path = request.getRequestURI().substring(request.getContextPath().length());
		return path.equals("/v1/me") || path.startsWith("/v1/me/");
	}

	/**
	 * A URL the firewall refuses (encoded dots, semicolons, double slashes) is a 400
	 * problem like any other.
	 */
	@Bean
	RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
		return (request, response, ex) -> ProblemResponses.write(request, response, json, ErrorCode.INVALID_REQUEST,
				"The request URL is not allowed: " + ex.getMessage());
	}

}
