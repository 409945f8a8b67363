package io.voxelflow.ingest;

import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.DeleteDatasetRequest;
import io.voxelflow.api.ingest.v1.GetDatasetRequest;
import io.voxelflow.api.ingest.v1.GetImageHeaderRequest;
import io.voxelflow.api.ingest.v1.GetImageHeaderResponse;
import io.voxelflow.api.ingest.v1.GetImageRequest;
import io.voxelflow.api.ingest.v1.GetSubjectRequest;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.ListDatasetsRequest;
import io.voxelflow.api.ingest.v1.ListDatasetsResponse;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.api.ingest.v1.ListImagesResponse;
import io.voxelflow.api.ingest.v1.ListSubjectsRequest;
import io.voxelflow.api.ingest.v1.ListSubjectsResponse;
import io.voxelflow.api.ingest.v1.Subject;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveRequest;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveResponse;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;
import java.util.List;

/** gRPC adapter of {@link DatasetService}: {@code voxelflow.ingest.v1.DatasetService}. */
@GrpcService
public class DatasetGrpcService extends DatasetServiceGrpc.DatasetServiceImplBase {
  @Inject
  DatasetService datasets;

  @Override
  @Blocking
  public void importDataset(ImportDatasetRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> datasets.importDataset(request));
  }

  @Override
  @Blocking
  public void getDataset(GetDatasetRequest request, StreamObserver<Dataset> observer) {
    GrpcCalls.unary(observer, () -> datasets.get(request.getName()));
  }

  @Override
  @Blocking
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      DatasetService.Page<Dataset> page = datasets.list(request.getPageSize(), request.getPageToken());
      return ListDatasetsResponse.newBuilder().addAllDatasets(page.items()).setNextPageToken(page.nextPageToken()).build();
    });
  }

  @Override
  @Blocking
  public void deleteDataset(DeleteDatasetRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> datasets.delete(request.getName()));
  }

  @Override
  @Blocking
  public void getSubject(GetSubjectRequest request, StreamObserver<Subject> observer) {
    GrpcCalls.unary(observer, () -> datasets.subject(request.getName()));
  }

  @Override
  @Blocking
  public void listSubjects(ListSubjectsRequest request, StreamObserver<ListSubjectsResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      List<Subject> all = datasets.subjects(request.getParent());
      Paging.Slice<Subject> s = Paging.slice(all, request.getPageSize(), request.getPageToken());
      return ListSubjectsResponse.newBuilder().addAllSubjects(s.items()).setNextPageToken(s.nextPageToken()).build();
    });
  }

  @Override
  @Blocking
  public void getImage(GetImageRequest request, StreamObserver<Image> observer) {
    GrpcCalls.unary(observer, () -> datasets.image(request.getName()));
  }

  @Override
  @Blocking
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      Paging.Slice<Image> s = Paging.slice(datasets.images(request), request.getPageSize(), request.getPageToken());
      return ListImagesResponse.newBuilder().addAllImages(s.items()).setNextPageToken(s.nextPageToken()).build();
    });
  }

  @Override
  @Blocking
  public void getImageHeader(GetImageHeaderRequest request, StreamObserver<GetImageHeaderResponse> observer) {
    GrpcCalls.unary(observer, () -> datasets.header(request.getName()));
  }

  @Override
  @Blocking
  public StreamObserver<UploadDatasetArchiveRequest> uploadDatasetArchive(
      StreamObserver<UploadDatasetArchiveResponse> response) {
    return UploadStream.receive(response, r -> r.hasMetadata() ? r.getMetadata() : null,
        UploadDatasetArchiveRequest::getChunk, datasets::beginArchiveUpload, datasets::finishArchiveUpload);
  }
}
