package io.mote.rest.controller;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.mote.common.entity.OtaPackageInfo;
import io.mote.common.entity.PageData;
import io.mote.common.error.MoteException;
import io.mote.core.ota.OtaPackageService;
import io.mote.core.security.SecurityUser;

/** OTA packages: create, upload the file, read, download, list, delete. */
@RestController
public class OtaPackageController {

    private final OtaPackageService packages;

    public OtaPackageController(OtaPackageService packages) {
        this.packages = packages;
    }

    @PostMapping("/api/otaPackage")
    public OtaPackageInfo save(SecurityUser user, @RequestBody OtaPackageInfo info) {
        return packages.save(user, info);
    }

    /** The package's file as the multipart part {@code file}; streamed into the database. */
    @PostMapping("/api/otaPackage/{otaPackageId}")
    public OtaPackageInfo upload(SecurityUser user, @PathVariable UUID otaPackageId,
                                 @RequestParam(required = false) String checksumAlgorithm,
                                 @RequestParam(required = false) String checksum,
                                 @RequestParam(required = false) MultipartFile file) {
        if (file == null) {
            throw MoteException.invalid("Send the file as the multipart/form-data part 'file'");
        }
        try (InputStream in = file.getInputStream()) {
            return packages.upload(user, otaPackageId, checksumAlgorithm, checksum, file.getOriginalFilename(),
                    file.getContentType(), in);
        } catch (IOException e) {
            throw MoteException.badRequest("Could not read the uploaded file");
        }
    }

    @GetMapping("/api/otaPackage/{otaPackageId}")
    public OtaPackageInfo get(SecurityUser user, @PathVariable UUID otaPackageId) {
        return packages.get(user, otaPackageId);
    }

    @GetMapping("/api/otaPackage/info/{otaPackageId}")
    public OtaPackageInfo info(SecurityUser user, @PathVariable UUID otaPackageId) {
        return packages.get(user, otaPackageId);
    }

    /** The file, streamed from the database a chunk at a time. */
    @GetMapping("/api/otaPackage/{otaPackageId}/download")
    public ResponseEntity<StreamingResponseBody> download(SecurityUser user, @PathVariable UUID otaPackageId) {
        OtaPackageInfo p = packages.getForDownload(user, otaPackageId);
        UUID id = p.id().id();
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(p.fileName(), StandardCharsets.UTF_8).build().toString())
                .header("x-filename", p.fileName())
                .contentType(mediaType(p.contentType()))
                .contentLength(p.dataSize())
                .body(out -> packages.writeData(id, out));
    }

    static MediaType mediaType(String contentType) {
        try {
            return contentType == null ? MediaType.APPLICATION_OCTET_STREAM : MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    @GetMapping("/api/otaPackages")
    public PageData<OtaPackageInfo> list(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                         @RequestParam(required = false) String textSearch,
                                         @RequestParam(required = false) String sortProperty,
                                         @RequestParam(required = false) String sortOrder) {
        return packages.page(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    /** The packages of a profile and type that can be assigned (with a file or a URL). */
    @GetMapping("/api/otaPackages/{deviceProfileId}/{type}")
    public PageData<OtaPackageInfo> byProfile(SecurityUser user, @PathVariable UUID deviceProfileId,
                                              @PathVariable String type, @RequestParam int pageSize,
                                              @RequestParam int page,
                                              @RequestParam(required = false) String textSearch,
                                              @RequestParam(required = false) String sortProperty,
                                              @RequestParam(required = false) String sortOrder) {
        return packages.assignable(user, deviceProfileId, type,
                Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @DeleteMapping("/api/otaPackage/{otaPackageId}")
    public void delete(SecurityUser user, @PathVariable UUID otaPackageId) {
        packages.delete(user, otaPackageId);
    }
}
