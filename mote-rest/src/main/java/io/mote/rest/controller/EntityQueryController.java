package io.mote.rest.controller;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.PageData;
import io.mote.core.query.EntityData;
import io.mote.core.query.EntityDataQuery;
import io.mote.core.query.EntityDataService;
import io.mote.core.security.SecurityUser;

/** ThingsBoard's entity data query: a page of devices with their entity fields and latest values. */
@RestController
@RequestMapping("/api/entitiesQuery")
public class EntityQueryController {

    private final EntityDataService service;

    public EntityQueryController(EntityDataService service) {
        this.service = service;
    }

    @PostMapping("/find")
    public PageData<EntityData> find(SecurityUser user, @RequestBody JsonNode query) {
        return service.find(user, EntityDataQuery.parse(query, true));
    }

    @PostMapping("/count")
    public long count(SecurityUser user, @RequestBody JsonNode query) {
        return service.count(user, EntityDataQuery.parse(query, false));
    }
}
