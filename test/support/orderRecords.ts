import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { Order } from '../../core/domain/order';
import { orderToItem } from '../../core/tableItems';

/**
 * Stream records built by hand, shaped as Lambda hands them to the processor (NEW_AND_OLD_IMAGES), each with the
 * next sequence number of the maker's own counter.
 */
export function orderRecords(at: Date) {
  let seq = 1000;
  const image = (item: object) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
  const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', newItem?: object, oldItem?: object): DynamoDBRecord => ({
    eventID: `e${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/t/stream/x',
    dynamodb: {
      SequenceNumber: String(seq++),
      ApproximateCreationDateTime: Math.floor(at.getTime() / 1000),
      ...(newItem ? { NewImage: image(newItem) } : {}),
      ...(oldItem ? { OldImage: image(oldItem) } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });
  return {
    image,
    record,
    inserted: (order: Order) => record('INSERT', orderToItem(order)),
    modified: (before: Order, after: Order) => record('MODIFY', orderToItem(after), orderToItem(before)),
  };
}
