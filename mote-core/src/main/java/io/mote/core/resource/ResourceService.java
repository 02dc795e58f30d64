package io.mote.core.resource;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.eclipse.leshan.core.model.ObjectModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.Authority;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.TbResource;
import io.mote.common.entity.TbResourceInfo;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.dao.ResourceDao;

/**
 * The resource library, for now LwM2M object models. System models (owned by the null-UUID tenant,
 * uploaded by the system administrator or preloaded) serve every tenant; a tenant's model with the same
 * key ({@code objectId_version}) overrides the system one for that tenant. Parsed models are cached per
 * owner and the cache is dropped on every change, which listeners (the LwM2M transport) are told about.
 */
@Service
public class ResourceService {

    private static final Logger log = LoggerFactory.getLogger(ResourceService.class);

    /** Models shipped with Leshan's core (current and older versions of objects 0–7 and 21). */
    private static final String[] LESHAN_MODELS = {"0-1_0", "0-1_1", "0", "1-1_0", "1-1_1", "2-1_0", "2", "21",
            "3-1_0", "3-1_1", "3", "4-1_0", "4-1_1", "4-1_2", "4", "5-1_0", "5", "6", "7"};
    /** Models Mote ships itself. */
    private static final String[] MOTE_MODELS = {"9", "19"};

    /** A stored model and its parsed form. */
    public record Model(TbResource resource, ObjectModel model) {
    }

    private final ResourceDao dao;
    private final Map<UUID, Map<String, Model>> cache = new ConcurrentHashMap<>();
    private final List<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();

    public ResourceService(ResourceDao dao) {
        this.dao = dao;
    }

    /** Registers a listener told the owner whose models changed (the null UUID: the system models). */
    public void onModelsChanged(Consumer<UUID> listener) {
        listeners.add(listener);
    }

    // ---- preloading ----

    @EventListener(ContextRefreshedEvent.class)
    public void preloadSystemModels() {
        // One query for what is stored; a shipped file whose bytes are already there is not parsed again, so a
        // restart costs neither 21 lookups nor 21 XML parses.
        Set<String> etags = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (TbResource r : dao.findAll(EntityId.NULL_UUID, Lwm2mModels.LWM2M_MODEL)) {
            etags.add(r.etag());
            keys.add(r.resourceKey());
        }
        int added = 0;
        for (String name : LESHAN_MODELS) {
            added += preload("models/" + name + ".xml", etags, keys) ? 1 : 0;
        }
        for (String name : MOTE_MODELS) {
            added += preload("lwm2m-models/" + name + ".xml", etags, keys) ? 1 : 0;
        }
        if (added > 0) {
            log.info("Preloaded {} LwM2M object models into the system resource library", added);
            changed(EntityId.NULL_UUID);
        }
    }

    /** Stores a shipped model unless its bytes or its key (a model the administrator replaced) are there. */
    private boolean preload(String path, Set<String> etags, Set<String> keys) {
        byte[] xml;
        try (InputStream in = ResourceService.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                log.warn("LwM2M model {} is missing from the class path", path);
                return false;
            }
            xml = in.readAllBytes();
        } catch (IOException e) {
            log.warn("Could not read LwM2M model {}: {}", path, e.toString());
            return false;
        }
        if (etags.contains(etag(xml))) {
            return false;
        }
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        ObjectModel m = Lwm2mModels.parse(xml, fileName);
        if (!keys.add(Lwm2mModels.key(m))) {
            return false;
        }
        return dao.insert(newResource(EntityId.NULL_UUID, m, fileName, xml), m.id, m.version, searchText(m));
    }

    // ---- REST operations ----

    /** Saves one resource ({@code {"resourceType","title","fileName","data"}}) or a list of them. */
    public List<TbResourceInfo> saveAll(SecurityUser user, JsonNode body) {
        if (body == null || !(body.isArray() || body.isObject())) {
            throw MoteException.invalid("Request body must be a resource or a list of resources");
        }
        List<TbResourceInfo> saved = new ArrayList<>();
        if (body.isArray()) {
            for (JsonNode n : body) {
                saved.add(save(user, n));
            }
        } else {
            saved.add(save(user, body));
        }
        return saved;
    }

    public TbResourceInfo save(SecurityUser user, JsonNode n) {
        Access.require(user, Authority.SYS_ADMIN, Authority.TENANT_ADMIN);
        UUID owner = owner(user);
        if (!n.isObject()) {
            throw MoteException.invalid("A resource must be a JSON object");
        }
        String type = text(n, "resourceType");
        if (type == null) {
            throw MoteException.invalid("Resource type should be specified!");
        }
        if (!Lwm2mModels.LWM2M_MODEL.equals(type)) {
            throw MoteException.invalid("Unsupported resourceType '" + type + "'; supported: LWM2M_MODEL");
        }
        String data = text(n, "data");
        if (data == null) {
            throw MoteException.invalid("Resource data should be specified!");
        }
        byte[] xml;
        try {
            xml = Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Resource data must be base64: " + e.getMessage());
        }
        String fileName = text(n, "fileName");
        ObjectModel m = Lwm2mModels.parse(xml, fileName);
        String key = Lwm2mModels.key(m);
        JsonNode idNode = n.path("id").path("id");
        TbResource r;
        if (idNode.isString()) {
            TbResource old = dao.find(parseId(idNode.asString())).orElseThrow(MoteException::notFound);
            checkWritable(user, owner, old);
            if (!old.resourceKey().equals(key)) {
                throw MoteException.invalid("The model defines " + key + " but resource " + old.id().id()
                        + " holds " + old.resourceKey() + "; upload it as a new resource");
            }
            r = new TbResource(old.id(), old.createdTime(), old.tenantId(),
                    Optional.ofNullable(text(n, "title")).orElse(old.title()), type, key, fileName, etag(xml), xml);
            dao.update(r, searchText(m));
        } else {
            r = newResource(owner, m, fileName, xml);
            if (!dao.insert(r, m.id, m.version, searchText(m))) {
                throw MoteException.invalid("Resource with such key already exists: LwM2M model " + key);
            }
        }
        changed(owner);
        return r.info();
    }

    private static UUID parseId(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid resource id '" + s + "'");
        }
    }

    public TbResource get(SecurityUser user, UUID id) {
        TbResource r = dao.find(id).orElseThrow(MoteException::notFound);
        checkReadable(user, r.tenantId());
        return r;
    }

    public TbResourceInfo info(SecurityUser user, UUID id) {
        TbResourceInfo r = dao.findInfo(id).orElseThrow(MoteException::notFound);
        checkReadable(user, r.tenantId());
        return r;
    }

    public PageData<TbResourceInfo> page(SecurityUser user, PageLink link, String resourceType) {
        Access.require(user, Authority.SYS_ADMIN, Authority.TENANT_ADMIN);
        return dao.page(owner(user), resourceType, link);
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.SYS_ADMIN, Authority.TENANT_ADMIN);
        TbResourceInfo r = dao.findInfo(id).orElseThrow(MoteException::notFound);
        UUID owner = owner(user);
        if (!r.tenantId().id().equals(owner)) {
            // A tenant sees the system models but may not remove them; another tenant's do not exist for it.
            if (r.tenantId().isNull()) {
                throw MoteException.forbidden();
            }
            throw MoteException.notFound();
        }
        dao.delete(id);
        changed(owner);
    }

    /** The LwM2M objects the caller may use, optionally only those whose key or id is listed. */
    public List<ObjectNode> lwm2mObjects(SecurityUser user, String sortOrder, String sortProperty, List<String> objectIds) {
        Access.require(user, Authority.SYS_ADMIN, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        Set<String> wanted = objectIds == null ? null : objectIds.stream().map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return sorted(effective(owner(user)).values().stream().map(Model::model)
                .filter(m -> wanted == null || wanted.isEmpty() || wanted.contains(Lwm2mModels.key(m))
                        || wanted.contains(String.valueOf(m.id))), sortProperty, sortOrder)
                .stream().map(Lwm2mModels::toLwm2mObject).toList();
    }

    public PageData<ObjectNode> lwm2mPage(SecurityUser user, PageLink link) {
        Access.require(user, Authority.SYS_ADMIN, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        String search = link.textSearch() == null ? null : link.textSearch().toLowerCase(Locale.ROOT);
        List<ObjectModel> all = sorted(effective(owner(user)).values().stream().map(Model::model)
                .filter(m -> search == null || m.name.toLowerCase(Locale.ROOT).contains(search)
                        || Lwm2mModels.key(m).contains(search)), link.sortProperty(),
                link.ascending() ? "ASC" : "DESC");
        int from = (int) Math.min(all.size(), link.offset());
        int to = Math.min(all.size(), from + link.pageSize());
        return PageData.of(all.subList(from, to).stream().map(Lwm2mModels::toLwm2mObject).toList(), all.size(),
                link.pageSize(), link.page());
    }

    private static List<ObjectModel> sorted(java.util.stream.Stream<ObjectModel> models, String sortProperty,
                                            String sortOrder) {
        Comparator<ObjectModel> byId = Comparator.<ObjectModel>comparingInt(m -> m.id)
                .thenComparing(m -> m.version, Comparator.comparing(ResourceService::versionOrder));
        Comparator<ObjectModel> c;
        if (sortProperty == null || sortProperty.isBlank() || "id".equals(sortProperty)) {
            c = byId;
        } else if ("name".equals(sortProperty)) {
            c = Comparator.<ObjectModel, String>comparing(m -> m.name).thenComparing(byId);
        } else {
            throw MoteException.invalid("Unsupported sortProperty '" + sortProperty + "'; use id or name");
        }
        if ("DESC".equalsIgnoreCase(sortOrder)) {
            c = c.reversed();
        }
        return models.sorted(c).toList();
    }

    private static String versionOrder(String v) {
        String[] p = v.split("\\.");
        return String.format("%05d.%05d", Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0);
    }

    // ---- model look-ups for profiles and the transport ----

    /** The models a tenant uses, by key: the system ones, overridden by the tenant's own. */
    public Map<String, Model> effective(UUID tenantId) {
        Map<String, Model> result = new LinkedHashMap<>(owned(EntityId.NULL_UUID));
        if (tenantId != null && !EntityId.NULL_UUID.equals(tenantId)) {
            result.putAll(owned(tenantId));
        }
        return result;
    }

    public Optional<ObjectModel> model(UUID tenantId, int objectId, String version) {
        return Optional.ofNullable(effective(tenantId).get(objectId + "_" + version)).map(Model::model);
    }

    private Map<String, Model> owned(UUID owner) {
        return cache.computeIfAbsent(owner, o -> {
            Map<String, Model> map = new LinkedHashMap<>();
            for (TbResource r : dao.findAll(o, Lwm2mModels.LWM2M_MODEL)) {
                try {
                    map.put(r.resourceKey(), new Model(r, Lwm2mModels.parse(r.data(), r.fileName())));
                } catch (MoteException e) {
                    log.warn("Stored LwM2M model {} of {} no longer parses: {}", r.resourceKey(), o, e.getMessage());
                }
            }
            return Map.copyOf(map);
        });
    }

    /** Another core node changed the owner's models: drop what this node cached of them. */
    public void forget(UUID owner) {
        cache.remove(owner);
    }

    private void changed(UUID owner) {
        cache.remove(owner);
        for (Consumer<UUID> l : listeners) {
            try {
                l.accept(owner);
            } catch (RuntimeException e) {
                log.warn("LwM2M model listener failed: {}", e.toString());
            }
        }
    }

    // ---- helpers ----

    private static UUID owner(SecurityUser user) {
        return user.isSysAdmin() ? EntityId.NULL_UUID : Access.tenantOf(user);
    }

    private static void checkReadable(SecurityUser user, EntityId tenantId) {
        if (tenantId.isNull()) {
            return;
        }
        if (user.isSysAdmin() || !tenantId.id().equals(user.tenantId())) {
            throw MoteException.notFound();
        }
    }

    private static void checkWritable(SecurityUser user, UUID owner, TbResource r) {
        if (!r.tenantId().id().equals(owner)) {
            if (r.tenantId().isNull()) {
                throw MoteException.forbidden();
            }
            throw MoteException.notFound();
        }
    }

    private static TbResource newResource(UUID owner, ObjectModel m, String fileName, byte[] xml) {
        return new TbResource(new EntityId(EntityType.TB_RESOURCE, UUID.randomUUID()), System.currentTimeMillis(),
                new EntityId(EntityType.TENANT, owner), m.name + " id=" + m.id + " v" + m.version,
                Lwm2mModels.LWM2M_MODEL, Lwm2mModels.key(m), fileName == null ? m.id + ".xml" : fileName, etag(xml),
                xml);
    }

    private static String searchText(ObjectModel m) {
        return Lwm2mModels.key(m) + ":" + m.name;
    }

    static String etag(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isString() || v.asString().isBlank() ? null : v.asString();
    }
}
