package dev.plangate.identity;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Problems;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what, and the security headers every response carries. The plan list, the
 * API documentation and the health probe are public; everything else needs a server key.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/** For JSON answers: nothing may be loaded, framed or submitted. */
	static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	/** For the Swagger UI pages: only this origin's scripts and styles. */
	static final String UI_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
			+ "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

	@Bean
	SecurityFilterChain api(HttpSecurity http, ApiKeyService keys, JsonMapper json) throws Exception {
		http.csrf(csrf -> csrf.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic(basic -> basic.disable())
			.formLogin(form -> form.disable())
			.logout(logout -> logout.disable())
			.requestCache(cache -> cache.disable())
			.addFilterBefore(new ApiKeyAuthenticationFilter(keys), AnonymousAuthenticationFilter.class)
			.authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.GET, "/v1/plans", "/v1/plans/*")
				.permitAll()
				.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
				.permitAll()
				.requestMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.requestMatchers("/error")
				.permitAll()
				.anyRequest()
				.hasRole("SERVER"))
			.exceptionHandling(errors -> errors
				.authenticationEntryPoint((request, response, ex) -> problem(response, json, ErrorCode.UNAUTHENTICATED,
						"A valid server API key is required: 'Authorization: Bearer pg_sk_…'"))
				.accessDeniedHandler((request, response, ex) -> problem(response, json, ErrorCode.FORBIDDEN,
						"This credential may not do this")))
			.headers(headers -> headers
				.httpStrictTransportSecurity(hsts -> hsts.requestMatcher(AnyRequestMatcher.INSTANCE)
					.maxAgeInSeconds(Duration.ofDays(365).toSeconds())
					.includeSubDomains(true))
				.frameOptions(frame -> frame.deny())
				.contentTypeOptions(options -> {
				})
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
				.addHeaderWriter(contentSecurityPolicy()));
		return http.build();
	}

	private static HeaderWriter contentSecurityPolicy() {
		return (request, response) -> {
			var path = request.getRequestURI();
			boolean ui = path.startsWith("/swagger-ui");
			response.setHeader("Content-Security-Policy", ui ? UI_POLICY : API_POLICY);
		};
	}

	private static void problem(HttpServletResponse response, JsonMapper json, ErrorCode code, String detail)
			throws IOException {
		response.setStatus(code.status().value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		if (code == ErrorCode.UNAUTHENTICATED) {
			response.setHeader("WWW-Authenticate", "Bearer");
		}
		json.writeValue(response.getOutputStream(), Problems.of(code, detail, List.of()));
	}

}
