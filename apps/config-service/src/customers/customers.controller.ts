import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflict, ApiPageResponse, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/pagination.dto';
import { CreateCustomerDto, CustomerDto, ListCustomersQueryDto, UpdateCustomerDto } from './customer.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@ApiStandardErrors()
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a customer',
    description:
      'Creates a customer: the owner of triggers and templates. Give `id` as the id the order platform puts in its events (`customerId`), ' +
      'or leave it out to get a generated `cus_…` id. Returns the customer. 409 when the id or the external reference is already taken.',
  })
  @ApiCreatedResponse({ type: CustomerDto, description: 'The new customer' })
  @ApiConflict('The id, or the external reference, belongs to another customer')
  async create(@Body() body: CreateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.create(body));
  }

  @Get()
  @ApiOperation({
    summary: 'List customers',
    description: 'Returns customers a page at a time, newest first. `q` keeps those whose id, name or external reference contains it.',
  })
  @ApiPageResponse(CustomerDto, 'One page of customers, newest first')
  async list(@Query() query: ListCustomersQueryDto): Promise<Page<CustomerDto>> {
    const page = await this.customers.list(query);
    return { ...page, items: page.items.map((c) => CustomerDto.from(c)) };
  }

  @Get(':customerId')
  @ApiOperation({ summary: 'Get a customer', description: 'Returns one customer. 404 when there is no customer with this id.' })
  @ApiPathParams('customerId')
  @ApiOkResponse({ type: CustomerDto, description: 'The customer' })
  async get(@Param('customerId') id: string): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.get(id));
  }

  @Patch(':customerId')
  @ApiOperation({
    summary: 'Update a customer',
    description:
      'Changes the name, external reference or contact email; fields left out keep their value, and the id cannot change. ' +
      'Returns the updated customer. 409 when the new external reference belongs to another customer.',
  })
  @ApiPathParams('customerId')
  @ApiOkResponse({ type: CustomerDto, description: 'The updated customer' })
  @ApiConflict('The external reference belongs to another customer')
  async update(@Param('customerId') id: string, @Body() body: UpdateCustomerDto): Promise<CustomerDto> {
    return CustomerDto.from(await this.customers.update(id, body));
  }

  @Delete(':customerId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a customer',
    description:
      'Deletes a customer that has no triggers and no templates left: nothing is deleted along with it. ' +
      'Answers 204 with no body. 409 while the customer still has triggers or templates; delete those first.',
  })
  @ApiPathParams('customerId')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflict('The customer still has triggers or templates')
  async delete(@Param('customerId') id: string): Promise<void> {
    await this.customers.delete(id);
  }
}
