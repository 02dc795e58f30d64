package io.mote.rest.controller;

import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.PageData;
import io.mote.common.entity.TbResource;
import io.mote.common.entity.TbResourceInfo;
import io.mote.core.resource.ResourceService;
import io.mote.core.security.SecurityUser;

/** The resource library ("Resource library" in ThingsBoard): LwM2M object models. */
@RestController
public class ResourceController {

    private final ResourceService resources;

    public ResourceController(ResourceService resources) {
        this.resources = resources;
    }

    /** One resource answers one info; a list answers a list. */
    @PostMapping("/api/resource")
    public Object save(SecurityUser user, @RequestBody JsonNode body) {
        List<TbResourceInfo> saved = resources.saveAll(user, body);
        return body.isArray() ? saved : saved.get(0);
    }

    @GetMapping("/api/resource/lwm2m")
    public List<ObjectNode> lwm2m(SecurityUser user, @RequestParam(required = false) String sortOrder,
                                  @RequestParam(required = false) String sortProperty,
                                  @RequestParam(required = false) List<String> objectIds) {
        return resources.lwm2mObjects(user, sortOrder, sortProperty, objectIds);
    }

    @GetMapping("/api/resource/lwm2m/page")
    public PageData<ObjectNode> lwm2mPage(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                          @RequestParam(required = false) String textSearch,
                                          @RequestParam(required = false) String sortProperty,
                                          @RequestParam(required = false) String sortOrder) {
        return resources.lwm2mPage(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @GetMapping("/api/resource/info/{id}")
    public TbResourceInfo info(SecurityUser user, @PathVariable UUID id) {
        return resources.info(user, id);
    }

    @GetMapping("/api/resource/{id}")
    public TbResource get(SecurityUser user, @PathVariable UUID id) {
        return resources.get(user, id);
    }

    @GetMapping("/api/resource")
    public PageData<TbResourceInfo> page(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                         @RequestParam(required = false) String textSearch,
                                         @RequestParam(required = false) String sortProperty,
                                         @RequestParam(required = false) String sortOrder,
                                         @RequestParam(required = false) String resourceType) {
        return resources.page(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder), resourceType);
    }

    @DeleteMapping("/api/resource/{id}")
    public void delete(SecurityUser user, @PathVariable UUID id) {
        resources.delete(user, id);
    }
}
