package dev.plangate.identity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.ProblemResponses;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. The plan list, the API documentation and the health probe are
 * public; the worker API takes a worker key (or a server key); everything else needs a
 * server key. Security headers are set for every response by the platform, before this
 * chain runs.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

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
				.requestMatchers("/v1/worker/**")
				.hasAnyRole("SERVER", "WORKER")
				.anyRequest()
				.hasRole("SERVER"))
			.exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, ex) -> {
				response.setHeader("WWW-Authenticate", "Bearer");
				ProblemResponses.write(request, response, json, ErrorCode.UNAUTHENTICATED,
						"A valid server API key is required: 'Authorization: Bearer pg_sk_…'");
			})
				.accessDeniedHandler((request, response, ex) -> ProblemResponses.write(request, response, json,
						ErrorCode.FORBIDDEN, "This credential may not do this")))
			.headers(headers -> headers.defaultsDisabled().cacheControl(cache -> {
			}));
		return http.build();
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
