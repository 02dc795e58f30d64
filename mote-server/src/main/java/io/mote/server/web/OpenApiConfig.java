package io.mote.server.web;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.core.security.SecurityUser;

/**
 * The OpenAPI description at {@code /v3/api-docs}, generated from the controllers. Schemas keep
 * ThingsBoard's names where Mote's classes are named differently, so clients generated from
 * ThingsBoard's description find the same types.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

    /** Mote class name → ThingsBoard schema name. */
    static final Map<String, String> SCHEMA_NAMES = Map.of(
            "Lwm2mServerSecurityConfig", "LwM2MServerSecurityConfigDefault");

    static {
        // The caller is resolved from X-Authorization, not a request parameter.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(SecurityUser.class);
        // Jackson 3 trees are free-form JSON, not beans to introspect.
        SpringDocUtils.getConfig().replaceWithSchema(tools.jackson.databind.JsonNode.class, new ObjectSchema())
                .replaceWithSchema(tools.jackson.databind.node.ObjectNode.class, new ObjectSchema())
                .replaceWithSchema(tools.jackson.databind.node.ArrayNode.class, new ArraySchema().items(new Schema<>()));
    }

    @Bean
    public OpenAPI moteOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Mote REST API")
                        .description("Operator REST API of Mote, following ThingsBoard's paths and JSON. "
                                + "Authenticate with X-Authorization: Bearer <JWT from /api/auth/login> "
                                + "or X-Authorization: ApiKey <value>.")
                        .version("0.1.0")
                        .license(new License().name("Apache 2.0")))
                .components(new Components().addSecuritySchemes("X-Authorization", new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-Authorization")
                        .description("Bearer <JWT> or ApiKey <value>")))
                .addSecurityItem(new SecurityRequirement().addList("X-Authorization"));
    }

    @Bean
    public OpenApiCustomizer thingsBoardSchemaNames() {
        return api -> {
            Map<String, Schema> schemas = api.getComponents().getSchemas();
            if (schemas == null) {
                return;
            }
            SCHEMA_NAMES.forEach((from, to) -> {
                Schema s = schemas.remove(from);
                if (s != null) {
                    schemas.put(to, s.name(to));
                }
            });
            schemas.values().forEach(OpenApiConfig::renameRefs);
            if (api.getPaths() != null) {
                api.getPaths().values().forEach(item -> item.readOperations().forEach(OpenApiConfig::renameRefs));
            }
        };
    }

    private static void renameRefs(Operation op) {
        if (op.getRequestBody() != null) {
            renameRefs(op.getRequestBody().getContent());
        }
        if (op.getResponses() != null) {
            op.getResponses().values().forEach(r -> renameRefs(r.getContent()));
        }
        if (op.getParameters() != null) {
            op.getParameters().forEach(p -> renameRefs(p.getSchema()));
        }
    }

    private static void renameRefs(Content content) {
        if (content != null) {
            content.values().forEach(m -> renameRefs(m.getSchema()));
        }
    }

    @SuppressWarnings("unchecked")
    private static void renameRefs(Schema<?> s) {
        if (s == null) {
            return;
        }
        if (s.get$ref() != null) {
            String name = s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1);
            String to = SCHEMA_NAMES.get(name);
            if (to != null) {
                s.set$ref("#/components/schemas/" + to);
            }
        }
        if (s.getProperties() != null) {
            s.getProperties().values().forEach(OpenApiConfig::renameRefs);
        }
        renameRefs(s.getItems());
        for (List<Schema> list : new List[]{s.getAllOf(), s.getOneOf(), s.getAnyOf()}) {
            if (list != null) {
                list.forEach(OpenApiConfig::renameRefs);
            }
        }
        if (s.getAdditionalProperties() instanceof Schema<?> extra) {
            renameRefs(extra);
        }
    }
}
